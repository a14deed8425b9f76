// The report store this deployment uses: REPORTS_BUCKET on AWS, REPORTS_DIR locally.
import { S3Client } from '@aws-sdk/client-s3';
import { region } from '../clients.ts';
import { optionalEnv } from '../config.ts';
import { ConfigurationError } from '../errors.ts';
import { traced } from '../powertools.ts';
import { bucketReportStore, folderReportStore, type ReportStore } from './store.ts';

function configuredStore(): ReportStore {
  const bucket = optionalEnv('REPORTS_BUCKET');
  const folder = optionalEnv('REPORTS_DIR');
  if (bucket !== undefined) return bucketReportStore(traced(new S3Client({ region })), bucket);
  if (folder !== undefined) return folderReportStore(folder);
  throw new ConfigurationError('set REPORTS_BUCKET (on AWS) or REPORTS_DIR (locally): where run reports are written');
}

export const reportStore = configuredStore();
