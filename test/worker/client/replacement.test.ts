// Safe replacement against the real Worker: between the last batch and the commit, uploadSync asks
// the Worker what the commit would change and lets the caller decide; a replacement that
// replacementConcerns (the one rule, schemas/replacement.ts) names a reason for must be confirmed,
// and so must one whose difference is unknown. The yes goes with the commit (confirmReplacement),
// which the Worker needs.
import { describe, expect, it } from "vitest";
import type { DatasetDiff } from "../../../extension/api-client.ts";
import {
  type ReplacementReview,
  type UploadProgress,
  uploadSync,
} from "../../../extension/pipeline/upload.ts";
import type { IntakeRecord } from "../../../schemas/index.ts";
import { bodyJson, type Faults } from "../../extension/fake-api.ts";
import { currentData, syncUpload, versionNumbers } from "../data-helpers.ts";
import { call, json } from "../helpers.ts";
import { clientWorld } from "./client-world.ts";

const user = (i: number, firstName = "Ann"): IntakeRecord => ({ emailId: `user${i}@example.com`, firstName });
const users = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => user(from + i));

/** A world whose current dataset (version 1) holds `current`, when given. */
async function setup(current?: IntakeRecord[]) {
  const world = await clientWorld();
  if (current) expect(await syncUpload(world.base(), world.ingest, [current])).toBe(1);
  const stored = () => currentData(world.base(), world.ingest);
  const sync = async () => {
    const id = world.api.requests.map((r) => /\/syncs\/([^/]+)/.exec(r.path)?.[1]).find(Boolean);
    return json<{ status: string }>(await call("GET", `${world.base()}/syncs/${id}`, { key: world.ingest }));
  };
  return { ...world, stored, sync };
}

/** The commit requests' bodies. */
const commits = (api: Faults) =>
  Promise.all(api.requests.filter((r) => r.path.endsWith("/commit")).map((r) => bodyJson(r)));

/** Uploads `records`, answering the review with `answer`; returns the outcome and the reviews seen. */
async function upload(
  { api, client, integrationId }: Awaited<ReturnType<typeof setup>>,
  records: IntakeRecord[],
  answer: (review: ReplacementReview) => boolean | Promise<boolean>,
  signal?: AbortSignal,
) {
  const reviews: ReplacementReview[] = [];
  const phases: UploadProgress["phase"][] = [];
  const outcome = await uploadSync({
    client,
    integrationId,
    context: "saas_users",
    records,
    totalRecords: records.length,
    limits: { maxRows: 2, maxBytes: 1e6 },
    signal,
    onProgress: (p) => phases.push(p.phase),
    beforeCommit: (review) => {
      reviews.push(review);
      // The diff is asked for after every batch is in, and before any commit (a second time only
      // after a commit the Worker refused).
      expect(api.requests.filter((r) => r.method === "PUT")).toHaveLength(Math.ceil(records.length / 2));
      expect(api.requests.filter((r) => r.path.endsWith("/commit"))).toHaveLength(reviews.length - 1);
      return answer(review);
    },
  });
  return { outcome, reviews, phases };
}

const diffOf = (review: ReplacementReview | undefined): DatasetDiff => {
  if (review?.status !== "known") throw new Error(`no diff: ${JSON.stringify(review)}`);
  return review.diff;
};

describe("uploadSync with a review before the commit", () => {
  it("shows a shrinking replacement for confirmation; no leaves the previous version", async () => {
    const s = await setup(users(1, 10));
    const { outcome, reviews, phases } = await upload(s, [user(1)], () => false);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.mustConfirm).toBe(true);
    expect(reviews[0]).toMatchObject({
      concerns: ["This upload removes 9 of the 10 records in version 1 (90 %)."],
    });
    expect(diffOf(reviews[0])).toEqual({
      current: { version: 1, recordCount: 10 },
      incoming: 1,
      added: 0,
      removed: 9,
      changed: 0,
      unchanged: 1,
      removedShare: 0.9,
      lostValues: [],
      examples: {
        added: [],
        removed: [2, 3, 4, 5, 6].map((i) => ({ emailId: `user${i}@example.com` })),
        changed: [],
      },
    });
    expect(phases).toContain("reviewing");
    expect(outcome).toEqual({ status: "cancelled" });
    expect(await commits(s.api)).toEqual([]);
    expect(await s.sync()).toMatchObject({ status: "aborted" });
    expect(await s.stored()).toEqual({ version: 1, recordCount: 10, data: users(1, 10), nextCursor: null });
  });

  it("commits the replacement once it is confirmed, saying so to the Worker", async () => {
    const s = await setup(users(1, 10));
    const { outcome } = await upload(s, [user(1)], async () => true);
    expect(outcome).toMatchObject({ status: "committed", version: 2, recordCount: 1 });
    expect(await commits(s.api)).toEqual([{ expectedRecords: 1, confirmReplacement: true }]);
    expect((await s.stored()).data).toEqual([user(1)]);
  });

  it("asks when a field most records have would be emptied, naming the field", async () => {
    const s = await setup(users(1, 5));
    const withoutNames: IntakeRecord[] = users(1, 5).map((u) => ({ emailId: String(u.emailId) }));
    const { outcome, reviews } = await upload(s, withoutNames, () => true);
    expect(reviews[0]).toMatchObject({
      mustConfirm: true,
      concerns: ["firstName would be emptied in 5 of 5 records (the upload has no such column)."],
      diff: { removed: 0, changed: 5, lostValues: [{ field: "firstName", records: 5, missing: true }] },
    });
    expect(await commits(s.api)).toEqual([{ expectedRecords: 5, confirmReplacement: true }]);
    expect(outcome).toMatchObject({ status: "committed", version: 2 });
  });

  it("does not ask when a dataset of under 10 records is replaced by another, and sends no yes", async () => {
    const s = await setup([user(1)]);
    const { outcome, reviews } = await upload(s, users(2, 13), () => true);
    expect(reviews[0]).toMatchObject({ mustConfirm: false, concerns: [], diff: { removed: 1, added: 12 } });
    expect(await commits(s.api)).toEqual([{ expectedRecords: 12 }]);
    expect(outcome).toMatchObject({ status: "committed", version: 2 });
  });

  it("asks when the Worker refuses the commit for want of a yes, in the Worker's words", async () => {
    const s = await setup(users(1, 3));
    // While the admin looks at a harmless diff, another upload makes the dataset 20 records: the
    // same commit now removes most of them, and the Worker refuses it without a yes.
    const { outcome, reviews } = await upload(s, users(1, 3), async (review) => {
      if (!review.mustConfirm) expect(await syncUpload(s.base(), s.ingest, [users(1, 20)])).toBe(2);
      return true;
    });
    const concerns = ["This upload removes 17 of the 20 records in version 2 (85 %)."];
    expect(reviews.map((r) => r.mustConfirm)).toEqual([false, true]);
    expect(reviews[1]).toMatchObject({ status: "known", concerns });
    expect(await commits(s.api)).toEqual([
      { expectedRecords: 3 },
      { expectedRecords: 3, confirmReplacement: true },
    ]);
    expect(outcome).toMatchObject({ status: "committed", version: 3, recordCount: 3 });
  });

  it("answers unchanged when the records equal the current version: no new version", async () => {
    const s = await setup(users(1, 3));
    const { outcome } = await upload(s, users(1, 3).reverse(), () => true);
    expect(outcome).toMatchObject({ status: "committed", version: 1, unchanged: true, recordCount: 3 });
    expect(await versionNumbers(s.base(), s.ingest)).toEqual([1]);
  });

  it("cancels while the confirmation is awaited: the sync is aborted, nothing changes", async () => {
    const s = await setup(users(1, 10));
    const controller = new AbortController();
    const { outcome } = await upload(
      s,
      [user(1)],
      () => {
        controller.abort();
        return new Promise<boolean>(() => {}); // never answered
      },
      controller.signal,
    );
    expect(outcome).toEqual({ status: "cancelled" });
    expect(await s.sync()).toMatchObject({ status: "aborted" });
    expect(await versionNumbers(s.base(), s.ingest)).toEqual([1]);
  });

  it("does not ask for a growing upload, and counts added, changed and unchanged records", async () => {
    const s = await setup(users(1, 3));
    const { outcome, reviews } = await upload(s, [user(1), user(2, "Bo"), ...users(3, 6)], () => true);
    expect(reviews[0]).toMatchObject({ mustConfirm: false, concerns: [] });
    expect(diffOf(reviews[0])).toMatchObject({
      current: { version: 1, recordCount: 3 },
      incoming: 6,
      added: 3,
      removed: 0,
      changed: 1,
      unchanged: 2,
      removedShare: 0,
      examples: { changed: [{ emailId: "user2@example.com" }] },
    });
    expect(outcome).toMatchObject({ status: "committed", version: 2, recordCount: 6 });
  });

  it("does not ask for the first upload (no current version)", async () => {
    const s = await setup();
    const { outcome, reviews } = await upload(s, users(1, 3), () => true);
    expect(reviews[0]).toMatchObject({
      status: "known",
      mustConfirm: false,
      diff: { current: null, incoming: 3, added: 3, removed: 0, removedShare: 0 },
    });
    expect(outcome).toMatchObject({ status: "committed", version: 1 });
  });

  it("asks when the Worker has no diff route (404), saying why, and commits only on yes", async () => {
    const s = await setup(users(1, 5));
    s.api.failNext("GET", /\/diff$/, { status: 404 });
    const { outcome, reviews } = await upload(s, users(1, 5), () => false);
    expect(reviews[0]).toEqual({
      status: "unknown",
      mustConfirm: true,
      message: expect.stringMatching(/cannot tell what the upload changes.*older than this extension/),
    });
    expect(outcome).toEqual({ status: "cancelled" });
    expect(await versionNumbers(s.base(), s.ingest)).toEqual([1]);
  });

  it("asks when the diff cannot be fetched (network), and commits on yes", async () => {
    const s = await setup(users(1, 5));
    s.api.failNext("GET", /\/diff$/, "network", 5);
    const { outcome, reviews } = await upload(s, users(1, 6), () => true);
    expect(reviews[0]).toMatchObject({
      status: "unknown",
      mustConfirm: true,
      message: expect.stringMatching(/could not tell what the upload changes: Could not reach/),
    });
    expect(outcome).toMatchObject({ status: "committed", version: 2 });
    expect(await commits(s.api)).toEqual([{ expectedRecords: 6, confirmReplacement: true }]);
  });

  it("leaves the upload as it was without the step: no diff is asked for", async () => {
    const { api, client, integrationId, base, ingest } = await setup(users(1, 5));
    await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records: [user(1)],
      totalRecords: 1,
    });
    expect(api.requests.some((r) => r.path.endsWith("/diff"))).toBe(false);
    expect(await versionNumbers(base(), ingest)).toEqual([2, 1]);
  });
});
