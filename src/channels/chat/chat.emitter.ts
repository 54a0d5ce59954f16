import type { RedisClient } from '../../infra/redis';
import { rooms } from '../../realtime/realtime';
import { ShardedEmitter } from '../../realtime/sharded-emitter';

/** Rooms of the /chat namespace: every socket of one visitor, and every visitor socket of one chat. */
export const chatRooms = {
  visitor: (vid: string) => `visitor:${vid}`,
  chat: rooms.chat,
};

/**
 * /chat events addressed to a visitor rather than to a chat (Realtime.toChat covers chats). Like
 * every server→client event, they leave through the Redis emitter, so any API node or worker can
 * reach the visitor's sockets wherever they are connected.
 */
export class ChatEmitter {
  private readonly emitter: ShardedEmitter;

  constructor(redis: RedisClient, channelPrefix: string) {
    this.emitter = new ShardedEmitter(redis, channelPrefix);
  }

  toVisitor(vid: string, event: string, payload: unknown): void {
    this.emitter.of('/chat').to(chatRooms.visitor(vid)).emit(event, payload);
  }

  /** Puts every socket of the visitor (on any node) into the chat's room. */
  joinChat(vid: string, ticketNumber: number): void {
    this.emitter.of('/chat').in(chatRooms.visitor(vid)).socketsJoin(chatRooms.chat(ticketNumber));
  }
}
