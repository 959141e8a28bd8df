export { rejection } from '../../../testing/src/test-support/rejection.js';
