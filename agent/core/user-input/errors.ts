/** What the user typed cannot be sent as it is (an unknown prompt, a missing argument): one line saying what. */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  readonly kind = 'user-input';
}
