import { z } from 'zod';
import type { OwnImage, WorkloadApp } from './types.js';

/**
 * The team's own service: an image the scenario names (workloads[].image) instead of a built-in
 * app, with its command, arguments, port and readiness path. The load generator drives it like
 * net-server, and the kernel counters of its pods are read the same way (through their node, so
 * the image needs no shell). On kind the image comes from this machine's Docker image store
 * (kind load); on an existing cluster the nodes pull it from its registry, by the reference given.
 */
export const ownImage: WorkloadApp<'image', 'scenario'> = {
  name: 'image',
  summary: 'the team\'s own image (workloads[].image: reference, command, args, port, readinessPath); measured by load',
  measuredBy: 'load',
  image: 'scenario',
  upstream: 'optional',
  container(own) {
    if (!own) throw new Error('internal: app image without workloads[].image (the scenario schema requires it)');
    return {
      ...(own.command ? { command: own.command } : {}),
      ...(own.args ? { args: own.args } : {}),
      port: own.port,
      // Without a readiness path, a pod is ready once its port takes connections.
      readiness: own.readinessPath
        ? { httpGet: { path: own.readinessPath, port: own.port }, periodSeconds: 2, failureThreshold: 30 }
        : { tcpSocket: { port: own.port }, periodSeconds: 2, failureThreshold: 30 },
      loadPath: own.loadPath ?? '/',
    };
  },
};

// An image reference as Docker and the kubelet read it: [registry[:port]/]path[:tag][@digest].
const REFERENCE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const PATH = /^\/[\x21-\x7e]*$/;

/** workloads[].image, for app: image (the scenario schema uses it as is). */
export const OwnImageSchema = z.strictObject({
  reference: z.string().max(255).regex(REFERENCE, 'must be an image reference such as registry.example.com/team/api:1.4 or sysctl-bench/net-server:<tag>')
    .describe('The image, as `docker images` or a registry names it. On kind it must be in this machine\'s Docker image store; an existing cluster pulls it.'),
  command: z.array(z.string()).min(1).optional().describe('Replaces the image\'s entrypoint.'),
  args: z.array(z.string()).optional().describe('Arguments to the command (or to the entrypoint).'),
  port: z.number().int().min(1).max(65535).describe('The TCP port it serves HTTP on; a Service is put in front of it.'),
  readinessPath: z.string().max(1024).regex(PATH, 'must be a path starting with /').optional()
    .describe('An HTTP path that answers 2xx once it is ready; without one, ready when the port takes connections.'),
  loadPath: z.string().max(1024).regex(PATH, 'must be a path starting with /').optional().describe('The path the load generator requests (default /).'),
}).describe('The team\'s own image (app: image): what runs and where it listens.') satisfies z.ZodType<OwnImage>;
