import { appError, err, ok, type AppError, type Result } from "../../../platform/result.ts";
import { ByteStringCache } from "./byte-string-cache.ts";
import { currencyOf } from "./currencies.ts";
import { CsvRecordReader, fieldText, type CsvProblem, type CsvRecord } from "./csv-records.ts";
import { parseDecimal, parseDecimalBytes, ZERO, type Decimal } from "./decimal.ts";
import { dayText, parseUsageDay } from "./usage-dates.ts";

/**
 * Partner Center's daily rated usage line item (new commerce, billed and unbilled), its 55 columns in the order of
 * the reconciliation files. Files are read by header name, never by position.
 */
export const DAILY_RATED_USAGE_COLUMNS = [
  "PartnerId",
  "PartnerName",
  "CustomerId",
  "CustomerName",
  "CustomerDomainName",
  "CustomerCountry",
  "MpnId",
  "Tier2MpnId",
  "InvoiceNumber",
  "ProductId",
  "SkuId",
  "AvailabilityId",
  "SkuName",
  "ProductName",
  "PublisherName",
  "PublisherId",
  "SubscriptionDescription",
  "SubscriptionId",
  "ChargeStartDate",
  "ChargeEndDate",
  "UsageDate",
  "MeterType",
  "MeterCategory",
  "MeterId",
  "MeterSubCategory",
  "MeterName",
  "MeterRegion",
  "Unit",
  "ResourceLocation",
  "ConsumedService",
  "ResourceGroup",
  "ResourceURI",
  "ChargeType",
  "UnitPrice",
  "Quantity",
  "UnitType",
  "BillingPreTaxTotal",
  "BillingCurrency",
  "PricingPreTaxTotal",
  "PricingCurrency",
  "ServiceInfo1",
  "ServiceInfo2",
  "Tags",
  "AdditionalInfo",
  "EffectiveUnitPrice",
  "PCToBCExchangeRate",
  "PCToBCExchangeRateDate",
  "EntitlementId",
  "EntitlementDescription",
  "PartnerEarnedCreditPercentage",
  "CreditPercentage",
  "CreditType",
  "BenefitOrderId",
  "BenefitId",
  "BenefitType",
] as const;

/** One usage row as rating needs it. Amounts are exact and unrounded, as the file wrote them. */
export type UsageLine = {
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  /** The customer's Entra tenant id, lower-case, without the `org:` prefix some API samples carry. */
  customerId: string;
  customerName: string;
  /** The day of consumption, `YYYY-MM-DD` (UTC). */
  usageDate: string;
  meterCategory: string;
  /** Microsoft's list (price-list) unit price, in the pricing currency. */
  unitPrice: Decimal;
  quantity: Decimal;
  /** The unit price Microsoft charges the partner (after PEC and credits), in the pricing currency. */
  effectiveUnitPrice: Decimal;
  /** ISO 4217, upper-case. */
  pricingCurrency: string;
  billingCurrency: string;
  /** Pricing → billing currency, fixed by Microsoft once a month. */
  pcToBCExchangeRate: Decimal;
  /** The day Microsoft fixed the rate, `YYYY-MM-DD`. */
  pcToBCExchangeRateDate: string;
  /** The natural key's parts and the detail people read; only from a parser made with `{ detail: true }`. */
  detail?: UsageDetail;
};

/**
 * What a usage store keeps of a row besides what rating reads: the parts of its natural key and the detail a person
 * reading it wants. Text as written (trimmed); a column the file lacks is empty.
 */
export type UsageDetail = {
  /** The Azure subscription. */
  entitlementId: string;
  /** The Azure plan. */
  subscriptionId: string;
  meterId: string;
  meterName: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  resourceUri: string;
  resourceLocation: string;
  chargeType: string;
  unit: string;
  /** 0 or 15 (percent); zero when the file leaves it empty or lacks the column. */
  partnerEarnedCreditPercentage: Decimal;
};

export type QuarantineCode =
  | "field_count"
  | "missing_value"
  | "not_a_number"
  | "bad_date"
  | "unknown_currency"
  | "bad_exchange_rate"
  | CsvProblem["code"];

/** A row set aside: its line, why, and nothing else of it is used. */
export type QuarantinedRow = { line: number; code: QuarantineCode; reason: string };

export type UsageFileError =
  | (AppError & { code: "usage_columns_missing"; details: { missing: string[] } })
  | (AppError & { code: "usage_columns_duplicated"; details: { columns: string[] } })
  | (AppError & { code: "usage_file_empty" })
  | (AppError & { code: "usage_file_not_utf8" })
  | (AppError & { code: "usage_header_malformed" });

export type UsageFileSummary = { lines: number; quarantined: number; columns: number };

export type UsageSink = {
  line(line: UsageLine): void;
  quarantine(row: QuarantinedRow): void;
};

/** The columns rating reads, by the field of `UsageLine` they fill. */
const USED_COLUMNS = {
  customerId: "CustomerId",
  customerName: "CustomerName",
  usageDate: "UsageDate",
  meterCategory: "MeterCategory",
  unitPrice: "UnitPrice",
  quantity: "Quantity",
  effectiveUnitPrice: "EffectiveUnitPrice",
  pricingCurrency: "PricingCurrency",
  billingCurrency: "BillingCurrency",
  pcToBCExchangeRate: "PCToBCExchangeRate",
  pcToBCExchangeRateDate: "PCToBCExchangeRateDate",
} as const satisfies Record<
  Exclude<keyof UsageLine, "line" | "detail">,
  (typeof DAILY_RATED_USAGE_COLUMNS)[number]
>;

type UsedField = keyof typeof USED_COLUMNS;
type AmountField = "unitPrice" | "quantity" | "effectiveUnitPrice" | "pcToBCExchangeRate";
/** A file without the customer's name is still rated (the id names the customer); every other column is needed. */
const OPTIONAL_FIELDS: ReadonlySet<UsedField> = new Set(["customerName"]);

/** The detail columns, by the field of `UsageDetail` they fill. */
const DETAIL_COLUMNS = {
  entitlementId: "EntitlementId",
  subscriptionId: "SubscriptionId",
  meterId: "MeterId",
  meterName: "MeterName",
  productId: "ProductId",
  skuId: "SkuId",
  availabilityId: "AvailabilityId",
  resourceUri: "ResourceURI",
  resourceLocation: "ResourceLocation",
  chargeType: "ChargeType",
  unit: "Unit",
  partnerEarnedCreditPercentage: "PartnerEarnedCreditPercentage",
} as const satisfies Record<keyof UsageDetail, (typeof DAILY_RATED_USAGE_COLUMNS)[number]>;

type DetailField = keyof typeof DETAIL_COLUMNS;
type DetailColumns = { readonly [F in DetailField]: number };

export type UsageCsvOptions = {
  /**
   * Also read the detail columns into `UsageLine.detail`. The natural key's columns are then needed too (MeterId,
   * ChargeType, and EntitlementId or SubscriptionId), and a row without a meter or a subscription is quarantined.
   */
  detail?: boolean;
};

/** Header names compare without case or spaces: `Customer Id`, `customerid` and `CustomerId` are one column. */
export const columnKey = (header: string): string => header.replace(/[\s\uFEFF]+/g, "").toLowerCase();

/** More columns than any usage file has; a header beyond it is not a usage file's. */
const MAX_COLUMNS = 1024;
const SHOWN_VALUE = 40;

const shown = (text: string) =>
  JSON.stringify(text.length > SHOWN_VALUE ? `${text.slice(0, SHOWN_VALUE)}…` : text);

const utf8 = (bytes: Buffer, start: number, end: number) => bytes.toString("utf8", start, end);
const customerIdText = (text: string) => text.trim().replace(/^org:/i, "").toLowerCase();
const customerIdOf = (bytes: Buffer, start: number, end: number) => customerIdText(utf8(bytes, start, end));
const currencyCodeOf = (bytes: Buffer, start: number, end: number): string | null => {
  const found = currencyOf(utf8(bytes, start, end));
  return found.ok ? found.value.code : null;
};

type Columns = { readonly [F in UsedField]: number };

/**
 * Reads a daily rated usage CSV pushed to it in chunks: the header first (columns matched by name), then every row,
 * handed to `sink.line` if good and to `sink.quarantine` with its line and reason if not. A file whose header lacks
 * a needed column stops at once (`error`); nothing of it is rated.
 */
export class UsageCsvParser {
  private readonly records: CsvRecordReader;
  private columns: Columns | null = null;
  private fieldCount = 0;
  private started = false;
  private pending: Buffer | null = null;
  /** Bytes of the byte order mark, which the records reader does not see: its offsets are this much smaller. */
  private byteOrderMark = 0;
  private limit = Number.POSITIVE_INFINITY;
  private detailColumns: DetailColumns | null = null;
  private lineCount = 0;
  private quarantineCount = 0;
  /** Set when the file cannot be read as usage at all; later input is ignored. */
  error: UsageFileError | null = null;

  private readonly customerIds = new ByteStringCache(8, customerIdOf);
  private readonly customerNames = new ByteStringCache(8, utf8);
  private readonly categories = new ByteStringCache(32, utf8);
  private readonly currencies = new ByteStringCache(8, currencyCodeOf);

  constructor(
    private readonly sink: UsageSink,
    private readonly options: UsageCsvOptions = {},
  ) {
    this.records = new CsvRecordReader(
      MAX_COLUMNS + 1,
      (record) => this.onRecord(record),
      (problem) => this.reject(problem.line, problem.code, problem.reason),
    );
  }

  /**
   * Reads no row that starts at or after `offset` bytes into the stream (see `CsvRecordReader.stopAt`); the header
   * is read wherever it ends, so `stopAt(0)` reads the header alone.
   */
  stopAt(offset: number): void {
    this.limit = offset;
    if (this.columns) this.records.stopAt(offset - this.byteOrderMark);
  }

  /** Where in the stream reading stopped because of `stopAt`, or -1. */
  get stoppedAt(): number {
    const at = this.records.stoppedAt;
    return at < 0 ? at : at + this.byteOrderMark;
  }

  /** How many columns the header has (0 before it is read). */
  get columnCount(): number {
    return this.fieldCount;
  }

  /** The line the next row starts on. */
  get nextLine(): number {
    return this.records.nextLine;
  }

  /**
   * The offset in the stream where the next row starts: every row before it has been handed to the sink, so reading
   * can resume there. -1 when no row boundary is known (the rest of an over-long line is being skipped).
   */
  get readTo(): number {
    const at = this.records.consumed;
    return at < 0 ? at : at + this.byteOrderMark;
  }

  push(chunk: Buffer): void {
    if (this.error) return;
    if (!this.started) {
      const head = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      if (head.length < 3) {
        this.pending = head;
        return;
      }
      this.pending = null;
      this.started = true;
      chunk = this.withoutByteOrderMark(head);
      if (this.error) return;
    }
    this.records.push(chunk);
  }

  end(): Result<UsageFileSummary, UsageFileError> {
    if (!this.error && !this.started && this.pending) {
      this.started = true;
      this.records.push(this.withoutByteOrderMark(this.pending));
    }
    if (!this.error) this.records.end();
    if (!this.error && !this.columns)
      this.error = {
        ...appError("usage_file_empty", "The file is empty: a usage file starts with a header line."),
        code: "usage_file_empty",
      };
    if (this.error) return err(this.error);
    return ok({ lines: this.lineCount, quarantined: this.quarantineCount, columns: this.fieldCount });
  }

  private withoutByteOrderMark(head: Buffer): Buffer {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.byteOrderMark = 3;
      return head.subarray(3);
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
      this.error = {
        ...appError(
          "usage_file_not_utf8",
          "The file is UTF-16 text. Save it as UTF-8 (CSV UTF-8 in Excel) or download it again from Partner Center.",
        ),
        code: "usage_file_not_utf8",
      };
    return head;
  }

  private reject(line: number, code: QuarantineCode, reason: string): void {
    if (this.error) return;
    if (!this.columns) {
      this.error = {
        ...appError("usage_header_malformed", `The header line cannot be read: ${reason}.`),
        code: "usage_header_malformed",
      };
      return;
    }
    this.quarantineCount++;
    this.sink.quarantine({ line, code, reason });
  }

  private onRecord(record: CsvRecord): void {
    if (this.error) return;
    if (!this.columns) {
      this.readHeader(record);
      return;
    }
    const { line } = record;
    if (record.count !== this.fieldCount) {
      this.reject(
        line,
        "field_count",
        `expected ${this.fieldCount} fields as in the header, found ${record.count}`,
      );
      return;
    }
    const c = this.columns;
    const { bytes, starts, ends } = record;

    const customerId = record.escaped[c.customerId]
      ? customerIdText(fieldText(record, c.customerId))
      : this.customerIds.get(bytes, starts[c.customerId] ?? 0, ends[c.customerId] ?? 0);
    if (customerId === "") return this.missing(line, "customerId");
    const unitPrice = this.amount(record, "unitPrice");
    if (!unitPrice) return;
    const quantity = this.amount(record, "quantity");
    if (!quantity) return;
    const effectiveUnitPrice = this.amount(record, "effectiveUnitPrice");
    if (!effectiveUnitPrice) return;
    const pcToBCExchangeRate = this.amount(record, "pcToBCExchangeRate");
    if (!pcToBCExchangeRate) return;
    if (pcToBCExchangeRate.units <= 0n)
      return this.reject(
        line,
        "bad_exchange_rate",
        `PCToBCExchangeRate must be above zero, found ${shown(fieldText(record, c.pcToBCExchangeRate))}`,
      );
    const pricingCurrency = this.currency(record, "pricingCurrency");
    if (!pricingCurrency) return;
    const billingCurrency = this.currency(record, "billingCurrency");
    if (!billingCurrency) return;
    const usageDate = this.day(record, "usageDate");
    if (!usageDate) return;
    const pcToBCExchangeRateDate = this.day(record, "pcToBCExchangeRateDate");
    if (!pcToBCExchangeRateDate) return;

    const detail = this.detailColumns ? this.detail(record, this.detailColumns) : null;
    if (this.detailColumns && !detail) return;

    const categoryAt = c.meterCategory;
    const nameAt = c.customerName;
    this.lineCount++;
    const usage: UsageLine = {
      line,
      customerId,
      customerName:
        nameAt < 0
          ? ""
          : record.escaped[nameAt]
            ? fieldText(record, nameAt)
            : this.customerNames.get(bytes, starts[nameAt] ?? 0, ends[nameAt] ?? 0),
      usageDate,
      meterCategory: record.escaped[categoryAt]
        ? fieldText(record, categoryAt)
        : this.categories.get(bytes, starts[categoryAt] ?? 0, ends[categoryAt] ?? 0),
      unitPrice,
      quantity,
      effectiveUnitPrice,
      pricingCurrency,
      billingCurrency,
      pcToBCExchangeRate,
      pcToBCExchangeRateDate,
    };
    if (detail) usage.detail = detail;
    this.sink.line(usage);
  }

  /** The row's detail, or null once the row is quarantined for it. */
  private detail(record: CsvRecord, columns: DetailColumns): UsageDetail | null {
    const text = (field: DetailField) => (columns[field] < 0 ? "" : fieldText(record, columns[field]).trim());
    const refuse = (code: QuarantineCode, reason: string) => {
      this.reject(record.line, code, reason);
      return null;
    };
    const meterId = text("meterId");
    if (meterId === "") return refuse("missing_value", "MeterId is empty");
    const entitlementId = text("entitlementId");
    const subscriptionId = text("subscriptionId");
    if (entitlementId === "" && subscriptionId === "")
      return refuse("missing_value", "EntitlementId and SubscriptionId are empty");
    const pecText = text("partnerEarnedCreditPercentage");
    const pec = pecText === "" ? ZERO : parseDecimal(pecText);
    if (!pec)
      return refuse("not_a_number", `PartnerEarnedCreditPercentage is not a number: ${shown(pecText)}`);
    return {
      entitlementId,
      subscriptionId,
      meterId,
      meterName: text("meterName"),
      productId: text("productId"),
      skuId: text("skuId"),
      availabilityId: text("availabilityId"),
      resourceUri: text("resourceUri"),
      resourceLocation: text("resourceLocation"),
      chargeType: text("chargeType"),
      unit: text("unit"),
      partnerEarnedCreditPercentage: pec,
    };
  }

  /** A number column's value, or null once the row is quarantined for it. */
  private amount(record: CsvRecord, field: AmountField): Decimal | null {
    const i = this.columns?.[field] ?? -1;
    const value = record.escaped[i]
      ? null
      : parseDecimalBytes(record.bytes, record.starts[i] ?? 0, record.ends[i] ?? 0);
    if (value) return value;
    const raw = fieldText(record, i);
    if (raw.trim() === "") this.missing(record.line, field);
    else this.reject(record.line, "not_a_number", `${USED_COLUMNS[field]} is not a number: ${shown(raw)}`);
    return null;
  }

  private currency(record: CsvRecord, field: "pricingCurrency" | "billingCurrency"): string | null {
    const i = this.columns?.[field] ?? -1;
    const code = this.currencies.get(record.bytes, record.starts[i] ?? 0, record.ends[i] ?? 0);
    if (code) return code;
    const raw = fieldText(record, i);
    if (raw.trim() === "") this.missing(record.line, field);
    else
      this.reject(
        record.line,
        "unknown_currency",
        `${USED_COLUMNS[field]} is not an ISO 4217 currency code: ${shown(raw)}`,
      );
    return null;
  }

  private day(record: CsvRecord, field: "usageDate" | "pcToBCExchangeRateDate"): string | null {
    const i = this.columns?.[field] ?? -1;
    const day = parseUsageDay(record.bytes, record.starts[i] ?? 0, record.ends[i] ?? 0);
    if (day >= 0) return dayText(day);
    const raw = fieldText(record, i);
    if (raw.trim() === "") this.missing(record.line, field);
    else this.reject(record.line, "bad_date", `${USED_COLUMNS[field]} is not a date: ${shown(raw)}`);
    return null;
  }

  private missing(line: number, field: UsedField): void {
    this.reject(line, "missing_value", `${USED_COLUMNS[field]} is empty`);
  }

  private readHeader(record: CsvRecord): void {
    if (record.count > MAX_COLUMNS) {
      this.error = {
        ...appError(
          "usage_columns_missing",
          `The header has ${record.count} columns, more than a daily rated usage file has; is this the right file?`,
        ),
        code: "usage_columns_missing",
        details: { missing: [] },
      };
      return;
    }
    const positions = new Map<string, number[]>();
    for (let i = 0; i < record.count; i++) {
      const key = columnKey(fieldText(record, i));
      positions.set(key, [...(positions.get(key) ?? []), i]);
    }
    const columns: Record<string, number> = {};
    const missing: string[] = [];
    const duplicated: string[] = [];
    for (const [field, header] of Object.entries(USED_COLUMNS) as [UsedField, string][]) {
      const found = positions.get(columnKey(header)) ?? [];
      if (found.length > 1) duplicated.push(header);
      if (found.length === 0 && !OPTIONAL_FIELDS.has(field)) missing.push(header);
      columns[field] = found[0] ?? -1;
    }
    const detailColumns: Record<string, number> = {};
    if (this.options.detail) {
      for (const [field, header] of Object.entries(DETAIL_COLUMNS) as [DetailField, string][]) {
        const found = positions.get(columnKey(header)) ?? [];
        if (found.length > 1) duplicated.push(header);
        detailColumns[field] = found[0] ?? -1;
      }
      if (detailColumns["meterId"] === -1) missing.push("MeterId");
      if (detailColumns["chargeType"] === -1) missing.push("ChargeType");
      if (detailColumns["entitlementId"] === -1 && detailColumns["subscriptionId"] === -1)
        missing.push("EntitlementId or SubscriptionId");
    }
    if (missing.length > 0) {
      this.error = {
        ...appError(
          "usage_columns_missing",
          `This is not a Partner Center daily rated usage file: the header lacks ${missing.join(", ")}. ` +
            "Export the daily rated usage reconciliation file (billed or unbilled), with its header line.",
        ),
        code: "usage_columns_missing",
        details: { missing },
      };
      return;
    }
    if (duplicated.length > 0) {
      this.error = {
        ...appError(
          "usage_columns_duplicated",
          `The header names ${duplicated.join(", ")} more than once, so which one holds the value is unclear.`,
        ),
        code: "usage_columns_duplicated",
        details: { columns: duplicated },
      };
      return;
    }
    this.fieldCount = record.count;
    this.columns = columns as Columns;
    if (this.options.detail) this.detailColumns = detailColumns as DetailColumns;
    this.records.stopAt(this.limit - this.byteOrderMark);
  }
}

/**
 * Reads a daily rated usage file from a stream of bytes (a file, an HTTP body, a blob), handing each row to `sink`
 * as it is read: memory stays flat however long the file. Rows that cannot be read are quarantined with their line
 * and reason and the rest goes on; only a file that is not usage at all (missing columns, UTF-16, no header) is an
 * error, and reading stops there.
 */
export async function readDailyRatedUsage(
  source: AsyncIterable<Uint8Array>,
  sink: UsageSink,
): Promise<Result<UsageFileSummary, UsageFileError>> {
  const parser = new UsageCsvParser(sink);
  for await (const chunk of source) {
    parser.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    if (parser.error) break;
  }
  return parser.end();
}
