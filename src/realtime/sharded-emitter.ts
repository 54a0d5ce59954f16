import type { RedisClient } from '../infra/redis';

/**
 * The emitter of Socket.IO's sharded Redis adapter (`createShardedAdapter` of
 * @socket.io/redis-adapter, Redis 7 sharded Pub/Sub), which @socket.io/redis-emitter does not
 * speak: it publishes the adapter's own cluster messages (socket.io-adapter's ClusterMessage) with
 * SPUBLISH on the channels the adapter subscribes to. A broadcast to one room goes to that room's
 * channel, which only the nodes holding the room subscribe to; everything else goes to the
 * namespace's channel, which every node subscribes to — as the adapter itself publishes
 * (`subscriptionMode: 'dynamic'`). On a Redis Cluster, channels hash to different slots, so the
 * shards share the traffic.
 *
 * Payloads must be JSON (the app sends ids and plain views, never binary).
 */
export class ShardedEmitter {
  constructor(
    private readonly redis: RedisClient,
    /** the adapter's `channelPrefix` */
    readonly channelPrefix: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  of(nsp: string): EmitterTarget {
    return new EmitterTarget(this, nsp, [], []);
  }

  /** @internal */
  publish(nsp: string, message: { type: MessageType; data: unknown }, room?: string): void {
    const channel = room === undefined ? `${this.channelPrefix}#${nsp}#` : `${this.channelPrefix}#${nsp}#${room}#`;
    // events are notifications of state kept in MongoDB: a lost one is repaired by the next read
    this.redis.spublish(channel, JSON.stringify({ uid: EMITTER_UID, nsp, ...message })).catch(this.onError);
  }
}

/** socket.io-adapter's MessageType values this emitter sends. */
enum MessageType {
  BROADCAST = 3,
  SOCKETS_JOIN = 4,
  SOCKETS_LEAVE = 5,
  DISCONNECT_SOCKETS = 6,
}

/** the uid socket.io-adapter gives messages from outside the cluster */
const EMITTER_UID = 'emitter';
const EVENT_PACKET = 2;

/** The adapter sends a socket id's room (20 characters) on the namespace channel, never its own. */
const looksLikeASocketId = (room: string) => room.length === 20;

export class EmitterTarget {
  constructor(
    private readonly emitter: ShardedEmitter,
    private readonly nsp: string,
    private readonly rooms: string[],
    private readonly exceptRooms: string[],
  ) {}

  to(room: string | string[]): EmitterTarget {
    return new EmitterTarget(this.emitter, this.nsp, [...new Set([...this.rooms, ...([] as string[]).concat(room)])], this.exceptRooms);
  }

  in(room: string | string[]): EmitterTarget {
    return this.to(room);
  }

  except(room: string | string[]): EmitterTarget {
    return new EmitterTarget(this.emitter, this.nsp, this.rooms, [...new Set([...this.exceptRooms, ...([] as string[]).concat(room)])]);
  }

  emit(event: string, ...args: unknown[]): true {
    const data = { opts: this.opts(), packet: { type: EVENT_PACKET, data: [event, ...args], nsp: this.nsp } };
    const single = this.rooms.length === 1 && !looksLikeASocketId(this.rooms[0]) ? this.rooms[0] : undefined;
    this.emitter.publish(this.nsp, { type: MessageType.BROADCAST, data }, single);
    return true;
  }

  socketsJoin(rooms: string | string[]): void {
    this.emitter.publish(this.nsp, { type: MessageType.SOCKETS_JOIN, data: { opts: this.opts(), rooms: ([] as string[]).concat(rooms) } });
  }

  socketsLeave(rooms: string | string[]): void {
    this.emitter.publish(this.nsp, { type: MessageType.SOCKETS_LEAVE, data: { opts: this.opts(), rooms: ([] as string[]).concat(rooms) } });
  }

  disconnectSockets(close = false): void {
    this.emitter.publish(this.nsp, { type: MessageType.DISCONNECT_SOCKETS, data: { opts: this.opts(), close } });
  }

  private opts() {
    return { rooms: this.rooms, except: this.exceptRooms, flags: {} };
  }
}

/**
 * The channel prefix of the sharded adapter for a key prefix: the prefix without its hash tag
 * braces, so that channels spread over the Cluster's shards instead of sharing the keys' slot.
 */
export function socketChannelPrefix(keyPrefix: string): string {
  return `${keyPrefix.replace(/[{}]/g, '')}-socket.io`;
}
