/**
 * `hubctl webhook serve`: receives registry notifications, Docker Hub webhooks and git push events,
 * and runs a job for each push (pull, a command, an autobuild run).
 */
export { WebhookServer, MAX_BODY_BYTES, type WebhookServerOptions } from './server.js';
export { parseDelivery, PayloadError, type PushEvent, type ImagePushEvent, type GitPushEvent, type EventSource } from './payloads.js';
export { presentedCredentials, verifyCredentials, signBody, secretEquals, type AuthVerdict } from './auth.js';
export { runJob, jobKey, eventEnvironment, type JobActions, type JobOutcome, type StepOutcome } from './jobs.js';
export { JobQueue, type JobQueueOptions } from './queue.js';
export { SeenIds } from './seen.js';
export { openEventLog, streamEventLog, type EventLog, type LogEntry } from './log.js';
export { spawnStep, type StepExit } from './spawn.js';
