import { describe, expect, it } from 'vitest';
import { demuxDockerLogs } from '../../../harness/load/container.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('demuxDockerLogs', () => {
  it('splits stdout from stderr frames', () => {
    const logs = Buffer.concat([frame(2, 'warning\n'), frame(1, '{"a":'), frame(1, '1}\n'), frame(2, 'bye\n')]);
    expect(demuxDockerLogs(logs)).toEqual({ stdout: '{"a":1}\n', stderr: 'warning\nbye\n' });
  });

  it('passes unframed output (a TTY container) through as stdout', () => {
    expect(demuxDockerLogs(Buffer.from('{"a":1}\n'))).toEqual({ stdout: '{"a":1}\n', stderr: '' });
  });
});
