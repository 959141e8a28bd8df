/** An API client the Musement emulator knows. */
export interface MusementEmulatorClient {
  clientId: string;
  clientSecret: string;
}

/** A customer for the `password` grant. */
export interface MusementEmulatorUser {
  /** Musement usernames are e-mail addresses. */
  username: string;
  password: string;
  /** @default 'Test' */
  firstname?: string;
  /** @default 'Traveller' */
  lastname?: string;
}

/** What an access or refresh token was issued for. */
export interface MusementGrant {
  clientId: string;
  grant: 'client_credentials' | 'password' | 'refresh_token';
  /** Absent for client_credentials. */
  user?: MusementEmulatorUser;
}
