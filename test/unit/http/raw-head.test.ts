import { describe, expect, it } from 'vitest';
import { bodyFraming, decodeChunked, headEnd, parseResponseHead, type ResponseHead } from '../../../src/http/raw-head.js';

const head = (statusCode: number, headers: ResponseHead['headers'] = {}): ResponseHead => ({ statusCode, headers });

describe('headEnd', () => {
  it('points just past the blank line, or -1 while the head is incomplete', () => {
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody'))).toBe(25);
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n'))).toBe(-1);
    expect(headEnd(Buffer.alloc(0))).toBe(-1);
  });
});

describe('parseResponseHead', () => {
  it('reads the status code with or without a reason phrase, HTTP/1.0 and 1.1', () => {
    expect(parseResponseHead('HTTP/1.1 200 OK').statusCode).toBe(200);
    expect(parseResponseHead('HTTP/1.1 404').statusCode).toBe(404);
    expect(parseResponseHead('HTTP/1.0 307 Temporary Redirect').statusCode).toBe(307);
    expect(parseResponseHead('HTTP/1.1 200 ').statusCode).toBe(200);
  });

  it('lower-cases names, trims values and turns repeated headers into arrays', () => {
    const h = parseResponseHead(
      'HTTP/1.1 200 OK\r\nContent-Type:  a/b \r\nSet-Cookie: x=1\r\nset-cookie: y=2\r\nSET-COOKIE: z=3\r\nEmpty:',
    );
    expect(h.headers).toEqual({ 'content-type': 'a/b', 'set-cookie': ['x=1', 'y=2', 'z=3'], empty: '' });
  });

  it.each([
    ['', 'empty'],
    ['HTTP/2 200 OK', 'HTTP/2'],
    ['HTTP/1.1 20 OK', 'two digits'],
    ['HTTP/1.1 2000 OK', 'four digits'],
    ['HTTP/1.1200 OK', 'no space'],
    ['http/1.1 200 OK', 'lower-case protocol'],
    ['ICY 200 OK', 'not HTTP'],
  ])('refuses the status line %j (%s)', (line) => {
    expect(() => parseResponseHead(`${line}\r\nA: b`)).toThrow(expect.objectContaining({ code: 'HPE_INVALID_RESPONSE' }));
  });

  it.each([
    ['no colon', 'NoColon'],
    ['empty name', ': value'],
    ['obsolete line folding (space)', ' folded'],
    ['obsolete line folding (tab)', '\tfolded'],
  ])('refuses a header line with %s', (_why, line) => {
    expect(() => parseResponseHead(`HTTP/1.1 200 OK\r\nA: b\r\n${line}`)).toThrow(/malformed HTTP response: bad header line/);
  });
});

describe('bodyFraming', () => {
  it('uses Content-Length', () => {
    expect(bodyFraming(head(200, { 'content-length': '1234' }))).toEqual({ kind: 'length', length: 1234 });
    expect(bodyFraming(head(200, { 'content-length': '0' }))).toEqual({ kind: 'length', length: 0 });
  });

  it('accepts duplicate Content-Length values that agree (repeated and comma-joined)', () => {
    expect(bodyFraming(head(200, { 'content-length': ['42', '42'] }))).toEqual({ kind: 'length', length: 42 });
    expect(bodyFraming(head(200, { 'content-length': '42, 42' }))).toEqual({ kind: 'length', length: 42 });
  });

  it.each([[['42', '43']], ['42, 43'], ['abc'], ['-1'], ['1e3'], ['0x10'], [''], ['1234567890123456']])(
    'refuses Content-Length %j',
    (cl) => {
      expect(() => bodyFraming(head(200, { 'content-length': cl }))).toThrow(expect.objectContaining({ code: 'HPE_INVALID_RESPONSE' }));
    },
  );

  it.each([100, 101, 103, 199, 204, 304])('status %i has no body, whatever the headers say', (status) => {
    expect(bodyFraming(head(status, { 'content-length': '10', 'transfer-encoding': 'chunked' }))).toEqual({ kind: 'none' });
  });

  it('tells chunked apart, and calls any other transfer coding unsupported, even next to a Content-Length', () => {
    expect(bodyFraming(head(200, { 'transfer-encoding': 'chunked' }))).toEqual({ kind: 'chunked' });
    expect(bodyFraming(head(200, { 'transfer-encoding': 'Chunked', 'content-length': '5' }))).toEqual({ kind: 'chunked' });
    expect(bodyFraming(head(200, { 'transfer-encoding': 'gzip, chunked', 'content-length': '5' })).kind).toBe('unsupported');
  });

  it('decodes a whole chunked body, dropping extensions and trailers, and refuses a cut one', () => {
    expect(decodeChunked(Buffer.from('3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nt: 1\r\n\r\n')).toString()).toBe('abc0123456789');
    expect(decodeChunked(Buffer.from('0\r\n\r\n')).length).toBe(0);
    for (const bad of ['3\r\nab', '3\r\nabcd\r\n0\r\n\r\n', 'zz\r\n', '3'])
      expect(() => decodeChunked(Buffer.from(bad))).toThrow(/malformed/);
  });

  it('reads to the end of the connection without a length', () => {
    expect(bodyFraming(head(200))).toEqual({ kind: 'close' });
    expect(bodyFraming(head(206, { 'content-range': 'bytes 0-9/10' }))).toEqual({ kind: 'close' });
  });
});
