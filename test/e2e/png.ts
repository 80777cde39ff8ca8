// Real PNG files of an exact size for the logo checks: an RGBA image, padded with a tEXt chunk.
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A size x size badge (a filled circle with a soft gradient), exactly `bytes` long. */
export function badgePng(size: number, bytes: number, hue: [number, number, number] = [31, 95, 191]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const r = size / 2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - r, y + 0.5 - r);
      const i = y * (size * 4 + 1) + 1 + x * 4;
      const shade = 0.75 + (0.25 * (size - y)) / size;
      raw[i] = Math.round(hue[0] * shade + (x % 3) * 7);
      raw[i + 1] = Math.round(hue[1] * shade + (y % 5) * 5);
      raw[i + 2] = Math.round(hue[2] * shade);
      raw[i + 3] = d <= r - 0.5 ? 255 : d <= r + 0.5 ? 128 : 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
  ];
  const end = chunk("IEND", Buffer.alloc(0));
  const used = parts.reduce((n, p) => n + p.length, 0) + end.length;
  const pad = bytes - used - 12;
  if (pad < 8) throw new Error(`a ${size}px badge needs ${used} bytes; cannot make it ${bytes}`);
  const text = Buffer.concat([Buffer.from("Comment\0", "latin1"), Buffer.alloc(pad - 8, 0x20)]);
  return Buffer.concat([...parts, chunk("tEXt", text), end]);
}
