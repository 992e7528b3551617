import { describe, expect, it } from 'vitest';
import { predictAdmission } from '../../../harness/policy/admission.js';
import { valueRefusal } from '../../../harness/policy/values.js';

/**
 * Values as Linux 6.1 parses them on a write under /proc/sys: kernel/sysctl.c (proc_get_long,
 * __do_proc_dointvec, do_proc_douintvec_w, __do_proc_doulongvec_minmax, proc_dou8vec_minmax,
 * proc_dointvec_jiffies, proc_do_large_bitmap) and the tables in ipc/ipc_sysctl.c,
 * ipc/mq_sysctl.c, net/ipv4/sysctl_net_ipv4.c and net/core/sysctl_net_core.c.
 */
const refused = (name: string, value: string, pod?: Record<string, string>) => valueRefusal(name, value, pod ? new Map(Object.entries(pod)) : undefined);

describe('integers (proc_get_long, do_proc_dointvec_conv)', () => {
  it.each([
    // EINVAL above INT_MAX: the two examples.
    ['net.core.somaxconn', '99999999999999999999', 'larger than the kernel\'s unsigned long'],
    ['kernel.msgmax', '4294967296', 'must fit an int'],
    ['net.core.somaxconn', '2147483648', 'must fit an int'],
    ['net.core.somaxconn', '-1', 'must be at least 0'],
    ['kernel.msgmax', '64k', 'is not a number the kernel reads'],
    ['kernel.msgmax', '+5', 'is not a number the kernel reads'],
    ['kernel.msgmax', '', 'must be an integer'],
    ['kernel.msgmax', '   ', 'must be an integer'],
    ['kernel.msgmax', '1.5', 'is not a number the kernel reads'],
    // A leading 0 makes the number octal, so 8 and 9 are not digits.
    ['kernel.msgmax', '08', 'a leading 0 makes it octal'],
    // TMPBUFLEN: a number of 21 characters is refused even when it fits.
    ['kernel.msgmax', '000000000000000000001', 'at most 20 characters'],
    ['kernel.msgmni', '32769', 'must be within 0..32768'],
    ['kernel.shm_rmid_forced', '2', 'must be within 0..1'],
    ['fs.mqueue.msg_max', '0', 'must be within 1..65536'],
    ['fs.mqueue.msgsize_max', '127', 'must be within 128..16777216'],
  ])('%s=%j is refused: %s', (name, value, problem) => {
    expect(refused(name, value)?.problem).toContain(problem);
    expect(refused(name, value)?.errno).toBe('EINVAL');
  });

  it.each([
    ['net.core.somaxconn', '2147483647'],
    ['net.core.somaxconn', ' 4096\n'],
    ['kernel.msgmax', '0x10000'],
    ['kernel.msgmax', '010'],
    ['fs.mqueue.queues_max', '-5'],
    ['net.ipv4.tcp_max_syn_backlog', '-2147483648'],
    ['kernel.msgmni', '32768'],
    ['kernel.panic', '-1'],
  ])('%s=%j is taken', (name, value) => {
    expect(refused(name, value)).toBeUndefined();
  });

  it('takes fewer numbers than a vector holds and ignores extra ones (proc_dointvec)', () => {
    expect(refused('net.ipv4.tcp_rmem', '4096 87380')).toBeUndefined();
    expect(refused('net.ipv4.tcp_rmem', '4096 87380 6291456 99')).toBeUndefined();
    expect(refused('net.ipv4.tcp_rmem', '4095 87380 6291456')?.problem).toContain('must be at least 4096');
    expect(refused('net.ipv4.tcp_wmem', '0 16384 4194304')?.problem).toContain('must be at least 1');
  });

  it('refuses negative and too large unsigned values (proc_douintvec, proc_dou8vec_minmax, proc_doulongvec_minmax)', () => {
    expect(refused('net.ipv4.tcp_notsent_lowat', '-1')?.problem).toContain('must not be negative');
    expect(refused('net.ipv4.tcp_notsent_lowat', '4294967296')?.problem).toContain('at most 4294967295');
    expect(refused('net.ipv4.tcp_keepalive_probes', '256')?.problem).toContain('at most 255');
    expect(refused('net.ipv4.tcp_slow_start_after_idle', '0')).toBeUndefined();
    expect(refused('net.ipv4.tcp_tw_reuse', '3')?.problem).toContain('within 0..2');
    expect(refused('kernel.shmmax', '18446744073709551615')).toBeUndefined();
    expect(refused('kernel.shmmax', '-1')?.problem).toContain('must not be negative');
  });

  it('refuses seconds that overflow jiffies (proc_dointvec_jiffies), but takes 0 and negative values', () => {
    expect(refused('net.ipv4.tcp_keepalive_time', '2147484')?.problem).toContain('INT_MAX/HZ');
    expect(refused('net.ipv4.tcp_keepalive_time', '7200')).toBeUndefined();
    expect(refused('net.ipv4.tcp_fin_timeout', '0')).toBeUndefined();
    expect(refused('net.ipv4.tcp_fin_timeout', '-30')).toBeUndefined();
  });

  // ipc/ipc_sysctl.c proc_ipc_sem_dointvec -> sem_check_semmni: ERANGE, not EINVAL.
  it('refuses SEMMNI above IPCMNI with ERANGE', () => {
    expect(refused('kernel.sem', '250 32000 100 32769')).toEqual({ problem: 'SEMMNI (the fourth number, 32769) must be within 0..32768', errno: 'ERANGE' });
    const prediction = predictAdmission([{ name: 'kernel.sem', value: '250 32000 100 40000' }], { allowedUnsafeSysctls: ['kernel.sem'] });
    expect(prediction.sysctls[0]?.message).toContain('would fail with "numerical result out of range"');
  });
});

describe('port ranges (ipv4_local_port_range, ipv4_privileged_ports)', () => {
  it.each([
    ['1024 65535', undefined],
    ['2000 2000', undefined],
    ['40000', undefined],
    ['0 65535', 'number 1 (low) must be within 1..65535'],
    ['1024 65536', 'number 2 (high) must be within 1..65535'],
    ['65535 1024', 'low (65535) must not be greater than high (1024)'],
    ['1024-65535', '"1024-65535" is not a number the kernel reads'],
    ['80 65535', 'low (80) must not be below net.ipv4.ip_unprivileged_port_start (1024 unless the pod lowers it)'],
  ])('ip_local_port_range %j: %s', (value, problem) => {
    expect(refused('net.ipv4.ip_local_port_range', value)?.problem).toBe(problem);
  });

  it('ip_unprivileged_port_start must not pass the default range start, unless the pod moves it', () => {
    expect(refused('net.ipv4.ip_unprivileged_port_start', '80')).toBeUndefined();
    expect(refused('net.ipv4.ip_unprivileged_port_start', '65535')?.problem).toContain('must not be above the low end of net.ipv4.ip_local_port_range (32768');
    expect(refused('net.ipv4.ip_unprivileged_port_start', '65536')?.problem).toContain('within 0..65535');
  });

  it('a pair that works in one write order only is refused: the runtime writes a Go map, in random order', () => {
    // Start first: 80 <= 32768, then 80 >= 80. Range first: 80 < 1024 refused.
    expect(refused('net.ipv4.ip_local_port_range', '80 65535', { 'net.ipv4.ip_unprivileged_port_start': '80' })?.problem).toContain('one write order only');
    // Both orders work.
    expect(refused('net.ipv4.ip_local_port_range', '2000 65535', { 'net.ipv4.ip_unprivileged_port_start': '80' })).toBeUndefined();
    // Neither order works.
    expect(refused('net.ipv4.ip_local_port_range', '2000 65535', { 'net.ipv4.ip_unprivileged_port_start': '3000' })?.problem)
      .toBe('low (2000) must not be below net.ipv4.ip_unprivileged_port_start (3000)');
  });

  it.each([
    ['8080,9000-9100', undefined],
    ['', undefined],
    ['8080,', undefined],
    ['65535', undefined],
    ['65536', 'port 65536 is outside 0..65535'],
    ['9100-9000', 'range 9100-9000 runs backwards'],
    ['8080, 9000', 'is not a number the kernel reads'],
    ['8080;9000', 'is not a number the kernel reads'],
  ])('ip_local_reserved_ports %j: %s', (value, problem) => {
    const refusal = refused('net.ipv4.ip_local_reserved_ports', value);
    if (problem === undefined) expect(refusal).toBeUndefined();
    else expect(refusal?.problem).toContain(problem);
  });

  it('ping_group_range takes gids up to 4294967294; a backwards range disables ping sockets without an error', () => {
    expect(refused('net.ipv4.ping_group_range', '1 0')).toBeUndefined();
    expect(refused('net.ipv4.ping_group_range', '0 4294967294')).toBeUndefined();
    expect(refused('net.ipv4.ping_group_range', '0 4294967295')?.problem).toContain('within 0..4294967294');
  });
});

describe('through the model', () => {
  it('gives the runtime\'s refusal of an out-of-range value, after the kubelet admitted the sysctl', () => {
    const result = predictAdmission([{ name: 'net.core.somaxconn', value: '99999999999999999999' }], { allowedUnsafeSysctls: ['net.*'] });
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'runtime', reason: 'FailedCreatePodSandBox' });
    expect(result.sysctls[0]).toMatchObject({ verdict: 'invalid', reason: 'InvalidSysctlValue' });
    expect(result.sysctls[0]?.message).toBe('value "99999999999999999999" for net.core.somaxconn: 99999999999999999999 is larger than the kernel\'s unsigned long; writing /proc/sys/net/core/somaxconn would fail with "invalid argument"');
  });
});
