/**
 * An Athena-ready Glue table over the S3 transcripts of one environment. The agent uploads
 * `<s3KeyPrefix>/<sessionId>.log` (session-log-format.ts): plain text, one terminal line per row, no date in the key.
 * So the table has one column (`line`), the session id comes from Athena's `"$path"` pseudo-column, and the only
 * partition is the key prefix, projected (no crawler, no MSCK REPAIR): `environment`, an enum of the prefix this
 * environment writes. RegexSerDe keeps each line whole (a delimited SerDe would cut it at the delimiter) and drops a
 * trailing carriage return (`script` ends lines with `\r\n`).
 */
import { GlueCatalogDatabase, GlueCatalogTable } from "../core/aws";
import { Construct } from "../core/cdktf";

/** Java regex of RegexSerDe (matched against the whole row): everything but a trailing `\r`. */
export const TRANSCRIPT_LINE_REGEX = "(?s)(.*?)\\r*";
export const REGEX_SERDE = "org.apache.hadoop.hive.serde2.RegexSerDe";
export const TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";
export const TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

/** Glue/Athena names: lowercase letters, digits and underscores, at most 255 (Athena rejects hyphens in DDL). */
export const GLUE_NAME = /^[a-z0-9_]{1,255}$/;

export interface TranscriptsTableProps {
  /** Glue database name (lowercase letters, digits, `_`). */
  readonly databaseName: string;
  /** @default "transcripts" */
  readonly tableName?: string;
  readonly bucketName: string;
  /** The key prefix the preferences document gives the agent (`s3KeyPrefix`); the value of `environment`. */
  readonly keyPrefix: string;
}

export class TranscriptsTable extends Construct {
  public readonly database: GlueCatalogDatabase;
  public readonly table: GlueCatalogTable;
  public readonly databaseName: string;
  public readonly tableName: string;

  constructor(scope: Construct, id: string, props: TranscriptsTableProps) {
    super(scope, id);
    const tableName = props.tableName ?? "transcripts";
    for (const [what, value] of [
      ["databaseName", props.databaseName],
      ["tableName", tableName],
    ])
      if (!GLUE_NAME.test(value))
        throw new Error(
          `TranscriptsTable: ${what} ${JSON.stringify(value)} must be 1-255 lowercase letters, digits and _ (Athena)`,
        );
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(props.keyPrefix))
      throw new Error(
        `TranscriptsTable: keyPrefix ${JSON.stringify(props.keyPrefix)} must be a key prefix without leading or trailing /`,
      );
    this.databaseName = props.databaseName;
    this.tableName = tableName;
    this.database = new GlueCatalogDatabase(this, "Database", {
      name: props.databaseName,
      description: `Session Manager transcripts in s3://${props.bucketName}/${props.keyPrefix}/ (bastionless session audit)`,
    });
    this.table = new GlueCatalogTable(this, "Resource", {
      databaseName: this.database.name,
      name: tableName,
      description: 'One row per transcript line; the session id is the file name of "$path" (<sessionId>.log).',
      tableType: "EXTERNAL_TABLE",
      parameters: {
        classification: "text",
        "projection.enabled": "true",
        "projection.environment.type": "enum",
        "projection.environment.values": props.keyPrefix,
        "storage.location.template": `s3://${props.bucketName}/$\${environment}/`,
      },
      partitionKeys: [{ name: "environment", type: "string", comment: "The S3 key prefix (the environment)" }],
      storageDescriptor: {
        location: `s3://${props.bucketName}/${props.keyPrefix}/`,
        inputFormat: TEXT_INPUT_FORMAT,
        outputFormat: TEXT_OUTPUT_FORMAT,
        serDeInfo: {
          name: "transcript-lines",
          serializationLibrary: REGEX_SERDE,
          parameters: { "input.regex": TRANSCRIPT_LINE_REGEX },
        },
        columns: [{ name: "line", type: "string", comment: "One line of the terminal transcript" }],
      },
    });
  }
}
