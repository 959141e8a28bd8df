export const packageName = '@auth/redis';
