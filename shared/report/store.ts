// Where reports go: a local folder (REPORTS_DIR) or the reports bucket on AWS (REPORTS_BUCKET).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ReportStore {
  /** Stores one report file; returns where it went (a path or an s3:// URL). */
  put(name: string, body: string, contentType: string): Promise<string>;
}

/** The body of a JSON report file: indented for people, with a final newline. */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function folderReportStore(folder: string): ReportStore {
  return {
    async put(name, body) {
      await mkdir(folder, { recursive: true });
      const path = resolve(join(folder, name));
      await writeFile(path, body);
      return path;
    },
  };
}

export function bucketReportStore(client: S3Client, bucket: string, prefix = 'reports/'): ReportStore {
  return {
    async put(name, body, contentType) {
      const key = `${prefix}${name}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      return `s3://${bucket}/${key}`;
    },
  };
}
