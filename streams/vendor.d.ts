// kafkajs-snappy ships no type declarations: it exports a codec factory kafkajs accepts.
declare module 'kafkajs-snappy' {
  const SnappyCodec: () => { compress(encoder: unknown): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export default SnappyCodec;
}
