/** The store has no conversation with this id (never existed, erased or purged). Mapped to 404 at the edge. */
export class ConversationNotFoundError extends Error {
  constructor(readonly where: string, readonly conversationId: string) {
    super(`${where}: no conversation ${conversationId}`);
    this.name = 'ConversationNotFoundError';
  }
}

export function isNotFound(err: unknown): err is ConversationNotFoundError {
  return err instanceof ConversationNotFoundError;
}
