import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { natsStreamConfigSchema, type NatsStreamConfigInput } from './nats-config.js';

export interface EnsureStreamResult {
  name: string;
  created: boolean;
  updated: boolean;
}

/**
 * Creates the stream (file storage, limits retention) or brings an existing one to the
 * given subjects and duplicate window. Safe to call on every start and from several
 * processes at once. Storage and retention cannot change in place: a mismatch throws.
 */
export async function ensureStream(
  nc: NatsConnection,
  input: NatsStreamConfigInput,
): Promise<EnsureStreamResult> {
  const config = natsStreamConfigSchema.parse(input);
  const jsm = await jetstreamManager(nc);
  const duplicateWindow = nanos(config.duplicateWindowMs);

  const existing = await streamInfoOrNull(() => jsm.streams.info(config.name));
  if (existing === null) {
    try {
      await jsm.streams.add({
        name: config.name,
        subjects: config.subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: duplicateWindow,
      });
      return { name: config.name, created: true, updated: false };
    } catch (error) {
      // Another process created it between our info and add: fall through to the update path.
      const raced = await streamInfoOrNull(() => jsm.streams.info(config.name));
      if (raced === null) throw error;
      return updateIfNeeded(raced);
    }
  }
  return updateIfNeeded(existing);

  async function updateIfNeeded(info: StreamInfo): Promise<EnsureStreamResult> {
    const current = info.config;
    if (current.storage !== StorageType.File || current.retention !== RetentionPolicy.Limits) {
      throw new Error(
        `stream ${config.name} exists with storage=${current.storage} retention=${current.retention}; ` +
          'the NATS transport needs storage=file retention=limits (recreate the stream to change them)',
      );
    }
    const sameSubjects =
      current.subjects.length === config.subjects.length &&
      config.subjects.every((subject) => current.subjects.includes(subject));
    if (sameSubjects && current.duplicate_window === duplicateWindow) {
      return { name: config.name, created: false, updated: false };
    }
    await jsm.streams.update(config.name, {
      ...current,
      subjects: config.subjects,
      duplicate_window: duplicateWindow,
    });
    return { name: config.name, created: false, updated: true };
  }
}

async function streamInfoOrNull(fetchInfo: () => Promise<StreamInfo>): Promise<StreamInfo | null> {
  try {
    return await fetchInfo();
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw error;
  }
}
