// The TypeScript recipe of docs/clients.md, driven against a live server by
// tests/test_typescript_client.py: `schema.d.ts` is what openapi-typescript generated from
// the served /openapi.json; this file must compile under `tsc --strict`.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type ErrorCode = components["schemas"]["ErrorCode"];
type Conversation = components["schemas"]["Conversation"];

const baseUrl = process.env.SAASIGNAL_BASE_URL ?? "http://127.0.0.1:8000";
const api = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.SAASIGNAL_API_KEY}` },
});
const CONVERSATIONS = "/modules/messaging/conversations";
const CONVERSATION = "/modules/messaging/conversations/{conversation_id}";

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

// A tag of this run's own, so the filter finds these conversations and no others.
const tag = `ts-${process.pid}-${Date.now()}`;

// Create: `type` has a default, so the body needs none (--default-non-nullable false).
const made = await api.POST(CONVERSATIONS, {
  body: { title: "Support", metadata: { team: tag } },
});
if (made.data === undefined) throw new Error(JSON.stringify(made.error));
const first: Conversation = made.data.data;
check(made.response.status === 201 && first.type === "group", "create answers 201, a group");
const etag = made.response.headers.get("ETag") ?? "";

// PATCH with If-Match: the ETag of the create, then the same (now stale) one again.
const patched = await api.PATCH(CONVERSATION, {
  params: { path: { conversation_id: first.id }, header: { "If-Match": etag } },
  body: { title: "Escalations" },
});
check(patched.data?.data.version === 2, "PATCH with the current If-Match makes version 2");
const stale = await api.PATCH(CONVERSATION, {
  params: { path: { conversation_id: first.id }, header: { "If-Match": etag } },
  body: { title: "Lost update" },
});
const staleCode: ErrorCode | undefined = stale.error?.error.code;
check(stale.response.status === 412 && staleCode === "precondition_failed", "a stale If-Match is 412");

// More conversations with the tag, then a metadata filter walked by its cursor.
for (let n = 0; n < 4; n++) {
  const more = await api.POST(CONVERSATIONS, { body: { metadata: { team: tag } } });
  check(more.response.status === 201, `create #${n + 2} with the tag`);
}
const seen = new Set<string>();
let cursor: string | undefined;
let pages = 0;
do {
  const page = await api.GET(CONVERSATIONS, {
    params: { query: { metadata: { team: tag }, limit: 2, cursor } },
  });
  if (page.data === undefined) throw new Error(JSON.stringify(page.error));
  for (const conversation of page.data.data) seen.add(conversation.id);
  cursor = page.data.next_cursor ?? undefined;
  pages += 1;
} while (cursor !== undefined);
check(seen.size === 5 && seen.has(first.id) && pages === 3, "the filter's walk: 5 in 3 pages");

// A typed 404.
const missing = await api.GET(CONVERSATION, {
  params: { path: { conversation_id: "conv_nope" } },
});
const code: ErrorCode | undefined = missing.error?.error.code;
check(missing.response.status === 404 && code === "not_found", "an unknown id is a typed 404");
