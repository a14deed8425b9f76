// The report store this deployment uses: REPORTS_BUCKET on AWS, REPORTS_DIR locally. Its own
// module so that only the functions that write reports load the S3 client.
import { S3Client } from '@aws-sdk/client-s3';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { traced } from '#shared/powertools.ts';
import { bucketReportStore, folderReportStore, type ReportStore } from '#shared/report/store.ts';

function configuredStore(): ReportStore {
  const bucket = optionalEnv('REPORTS_BUCKET');
  const folder = optionalEnv('REPORTS_DIR');
  if (bucket !== undefined) return bucketReportStore(traced(new S3Client({ region: homeRegion })), bucket);
  if (folder !== undefined) return folderReportStore(folder);
  throw new ConfigurationError('set REPORTS_BUCKET (on AWS) or REPORTS_DIR (locally): where run reports are written');
}

/** Where this deployment's run, failback and readiness reports go. */
export const reportStore = configuredStore();
