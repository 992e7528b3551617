// `npm run bench`: how long `validate` takes on 10,000 pod templates, end to end (YAML text to
// report) and for the policy model alone. Target: well under one second for the whole stream.
import { Bench } from 'tinybench';
import { readWorkloads } from '../../harness/manifests/read-workloads.js';
import { splitAllowFlag } from '../../harness/policy/allowlist.js';
import { buildValidationReport } from '../../harness/policy/validation-report.js';

const TEMPLATES = 10_000;
const node = { allowedUnsafeSysctls: splitAllowFlag('kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*'), kubernetesVersion: '1.34' };

const SYSCTL_SETS = [
  [['kernel.msgmax', '65536'], ['kernel.sem', '32000  1024000000  10000  32000']],
  [['net.core.somaxconn', '4096'], ['net.ipv4.ip_local_port_range', '1024 65535']],
  [['kernel.shm_rmid_forced', '1']],
  [['vm.swappiness', '10']],
];

function deployment(index: number): string {
  const sysctls = SYSCTL_SETS[index % SYSCTL_SETS.length]!
    .map(([name, value]) => `        - name: ${name}\n          value: "${value}"`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${index}
  namespace: bench
spec:
  replicas: 1
  selector:
    matchLabels: { app: app-${index} }
  template:
    metadata:
      labels: { app: app-${index} }
    spec:
      securityContext:
        sysctls:
${sysctls}
      containers:
      - name: app
        image: busybox:1.36
`;
}

const stream = Array.from({ length: TEMPLATES }, (_, i) => deployment(i)).join('---\n');
const parsed = readWorkloads(stream, 'bench.yaml');
if (parsed.templates.length !== TEMPLATES || parsed.problems.length > 0) throw new Error('bench input is wrong');

const bench = new Bench({ iterations: 5, warmupIterations: 1 });
bench
  .add(`validate ${TEMPLATES} pod templates: YAML stream to report`, () => {
    const read = readWorkloads(stream, 'bench.yaml');
    buildValidationReport({ templates: read.templates, problems: read.problems, node });
  })
  .add(`policy model alone on ${TEMPLATES} pod templates`, () => {
    buildValidationReport({ templates: parsed.templates, problems: [], node });
  });

await bench.run();
for (const task of bench.tasks) {
  const result = task.result as { latency?: { mean: number; p99?: number } } | undefined;
  const mean = result?.latency?.mean;
  process.stdout.write(`${task.name}: ${mean === undefined ? 'n/a' : `${mean.toFixed(1)} ms per run (${(mean / TEMPLATES * 1000).toFixed(1)} µs per template)`}\n`);
}
