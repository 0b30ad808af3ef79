import { EventEmitter } from 'node:events';
import type { HandoffStatus } from '../domain/conversation';

/**
 * What the console's live view hears: a handoff change, or a user writing to a conversation a person handles.
 * `status` and `counsellorId` are for filtering on the server; clients get only the kind and the id.
 */
export interface ConsoleEvent {
  kind: 'handoff' | 'message' | 'erased';
  conversationId: string;
  status?: HandoffStatus;
  from?: HandoffStatus;
  counsellorId?: string;
}

export class ConsoleEvents extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  publish(e: ConsoleEvent): void {
    this.emit('event', e);
  }

  subscribe(fn: (e: ConsoleEvent) => void): () => void {
    this.on('event', fn);
    return () => this.off('event', fn);
  }
}
