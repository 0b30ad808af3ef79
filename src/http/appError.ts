/** An error with the HTTP status it maps to; the one error middleware turns it into a response. */
export class AppError extends Error {
  constructor(readonly status: number, message: string, readonly expose = true) {
    super(message);
    this.name = 'AppError';
  }
}
