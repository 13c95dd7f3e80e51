import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const Account = z.object({
  accountAlias: z.string(),
  parentAlias: z.string().nullable(),
  businessName: z.string(),
  addressLine1: z.string(),
  city: z.string(),
  stateProvince: z.string(),
  postalCode: z.string(),
  country: z.string(),
  status: z.enum(["Active", "Disabled"]),
  isDemo: z.boolean(),
  isInternal: z.boolean(),
  isReseller: z.boolean(),
  billingContactEmail: z.string(),
});
const User = z.object({
  userName: z.string(),
  salt: z.string(),
  passwordHash: z.string(),
  accountAlias: z.string(),
  roles: z.array(z.string()),
});
const LineItem = z.object({
  quantity: z.number(),
  description: z.string(),
  unitCost: z.string(),
  itemTotal: z.string(),
  serviceLocation: z.string(),
  /** The poster's name for the line (its Idempotency-Key); posting it again adds nothing. */
  lineKey: z.string().nullable().default(null),
});
const Invoice = z.object({
  accountAlias: z.string(),
  year: z.number(),
  month: z.number(),
  lineItems: z.array(LineItem),
});
const World = z.object({ accounts: z.array(Account), users: z.array(User), invoices: z.array(Invoice) });

export type PartnerCloudAccount = z.infer<typeof Account>;
export type PartnerCloudUser = z.infer<typeof User>;
export type InvoiceLine = z.infer<typeof LineItem>;

const digest = (salt: string, password: string) =>
  createHash("sha256").update(`${salt}:${password}`).digest("hex");

/**
 * The partner's own cloud (the "CLC" of the product's history): accounts in a parent/sub-account tree with their
 * billing country and flags, users with roles, and monthly invoices. Persisted as one JSON file.
 */
export function openPartnerCloudWorld(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "partner-cloud.json");
  const world = World.parse(
    fs.existsSync(file)
      ? JSON.parse(fs.readFileSync(file, "utf8"))
      : { accounts: [], users: [], invoices: [] },
  );
  const save = () => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(world, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  };
  const account = (alias: string) => world.accounts.find((a) => a.accountAlias === alias.toUpperCase());
  /** An account and every account below it: a user's roles apply to all of them. */
  const subtree = (alias: string): PartnerCloudAccount[] => {
    const root = account(alias);
    if (!root) return [];
    return [
      root,
      ...world.accounts
        .filter((a) => a.parentAlias === root.accountAlias)
        .flatMap((a) => subtree(a.accountAlias)),
    ];
  };
  return {
    account,
    subtree,
    addAccount(a: PartnerCloudAccount) {
      world.accounts.push({ ...a, accountAlias: a.accountAlias.toUpperCase() });
      save();
    },
    addUser(input: { userName: string; password: string; accountAlias: string; roles: string[] }) {
      const salt = randomBytes(12).toString("hex");
      world.users.push({
        userName: input.userName,
        salt,
        passwordHash: digest(salt, input.password),
        accountAlias: input.accountAlias,
        roles: input.roles,
      });
      save();
    },
    user: (userName: string) => world.users.find((u) => u.userName.toLowerCase() === userName.toLowerCase()),
    passwordMatches(u: PartnerCloudUser, password: string): boolean {
      const a = Buffer.from(digest(u.salt, password));
      const b = Buffer.from(u.passwordHash);
      return a.length === b.length && timingSafeEqual(a, b);
    },
    invoiceLines: (alias: string, year: number, month: number) =>
      world.invoices.find((i) => i.accountAlias === alias && i.year === year && i.month === month)
        ?.lineItems ?? [],
    /**
     * Adds a line to the month's invoice. A line with a key already there is not added again: the same line
     * replays, another line under that key conflicts.
     */
    addInvoiceLine(
      alias: string,
      year: number,
      month: number,
      line: InvoiceLine,
    ): "added" | "replayed" | "conflict" {
      let inv = world.invoices.find((i) => i.accountAlias === alias && i.year === year && i.month === month);
      if (!inv) {
        inv = { accountAlias: alias, year, month, lineItems: [] };
        world.invoices.push(inv);
      }
      const earlier = line.lineKey ? inv.lineItems.find((l) => l.lineKey === line.lineKey) : undefined;
      if (earlier) return JSON.stringify(earlier) === JSON.stringify(line) ? "replayed" : "conflict";
      inv.lineItems.push(line);
      save();
      return "added";
    },
  };
}

export type PartnerCloudWorld = ReturnType<typeof openPartnerCloudWorld>;
