// The AWS SDK for JavaScript v3 against an S3 endpoint (argv[2]): upload, download with
// checksum validation, HEAD and list; prints what each call returned as JSON lines.
import { createHash } from "node:crypto";
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";

const client = new S3Client({
  endpoint: process.argv[2],
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});
const bucket = "js-fidelity";
const doc = '{"from": "javascript",\n "n": [1, 2]}\n';
const blob = Buffer.alloc(9000, 7);

function shown(result) {
  const { $metadata, Body, ...rest } = result;
  for (const [k, v] of Object.entries(rest)) {
    if (v instanceof Date) rest[k] = v.toISOString();
  }
  return rest;
}

async function call(name, command) {
  const result = await client.send(command);
  const out = shown(result);
  if (result.Body) {
    // reading the body runs the SDK's checksum validation (ChecksumMode ENABLED)
    const bytes = await result.Body.transformToByteArray();
    out.Body = createHash("sha256").update(bytes).digest("hex");
  }
  console.log(JSON.stringify([name, out]));
}

await call("create", new CreateBucketCommand({ Bucket: bucket }));
await call("put-doc", new PutObjectCommand({ Bucket: bucket, Key: "doc.json", Body: doc }));
await call("put-blob", new PutObjectCommand({ Bucket: bucket, Key: "blob.bin", Body: blob }));
for (const key of ["doc.json", "blob.bin"]) {
  await call(`get-${key}`, new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
  await call(`head-${key}`, new HeadObjectCommand({ Bucket: bucket, Key: key }));
}
await call("list", new ListObjectsV2Command({ Bucket: bucket }));
