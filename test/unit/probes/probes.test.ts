import { describe, expect, it } from 'vitest';
import { alternativeValue } from '../../../harness/probes/alternative.js';
import { diffSnapshots } from '../../../harness/probes/host-snapshot.js';
import { normaliseValue, procPath } from '../../../harness/probes/sysctl-path.js';

describe('sysctl paths', () => {
  it('maps dotted and slashed names to /proc/sys', () => {
    expect(procPath('net.core.somaxconn')).toBe('/proc/sys/net/core/somaxconn');
    expect(procPath('net/ipv4/conf/eth0.100/forwarding')).toBe('/proc/sys/net/ipv4/conf/eth0.100/forwarding');
  });

  it('refuses names that would leave /proc/sys', () => {
    expect(() => procPath('../../etc/passwd')).toThrow(/not a sysctl name/);
    expect(() => procPath('net.core.somaxconn; reboot')).toThrow(/not a sysctl name/);
  });

  it('compares multi-field values by their fields', () => {
    expect(normaliseValue('32000\t1024000000\t500\t32000\n')).toBe('32000 1024000000 500 32000');
    expect(normaliseValue('32000  1024000000  10000  32000')).toBe('32000 1024000000 10000 32000');
  });
});

describe('alternativeValue', () => {
  it('moves the first field down, so a proof never raises a host limit', () => {
    expect(alternativeValue('4096', [])).toBe('4095');
    expect(alternativeValue('32768 60999', [])).toBe('32767 60999');
  });

  it('keeps 64-bit limits exact (fs.file-max is 2^63-1)', () => {
    expect(alternativeValue('9223372036854775807', [])).toBe('9223372036854775806');
  });

  it('avoids the values it must differ from', () => {
    expect(alternativeValue('4096', ['4095'])).toBe('4097');
    expect(alternativeValue('0', [])).toBe('1');
  });

  it('refuses values that are not numbers', () => {
    expect(() => alternativeValue('cubic', [])).toThrow(/cannot derive/);
  });
});

describe('host snapshots', () => {
  it('lists exactly the sysctls that changed', () => {
    expect(diffSnapshots({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toEqual([
      { name: 'b', before: '2', after: '3' },
      { name: 'c', before: undefined, after: '4' },
    ]);
  });
});
