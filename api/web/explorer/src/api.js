// The GraphQL API as it is (tests/api/schema.graphql), and the spreadsheet downloads, every call with the bearer
// token. An error carries the GraphQL error code (FORBIDDEN, UNAUTHENTICATED, BAD_USER_INPUT) for a translated
// message.
import { authHeaders } from "./auth.js";

let endpoint = "/graphql";

export function setEndpoint(url) {
  endpoint = url;
}

// The service's own address for its other routes (the spreadsheets), below any prefix a reverse proxy serves it
// under: where /graphql is, without "/graphql".
export function servicePath(path) {
  return `${endpoint.replace(/\/graphql$/, "")}${path}`;
}

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...authHeaders() },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError("network", error.message);
  }
  if (response.status === 401) throw new ApiError("UNAUTHENTICATED", await response.text());
  if (response.status === 403) throw new ApiError("FORBIDDEN", await response.text());
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError("generic", `HTTP ${response.status}`);
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError((first.extensions && first.extensions.code) || "generic", first.message);
  }
  return body.data;
}

// A download behind the token: fetched as a blob and saved under the name the service gives it.
export async function download(url, fallbackName) {
  const response = await fetch(url, { headers: authHeaders() });
  if (response.status === 401) throw new ApiError("UNAUTHENTICATED", await response.text());
  if (response.status === 403) throw new ApiError("FORBIDDEN", await response.text());
  if (!response.ok) throw new ApiError("generic", `HTTP ${response.status}`);
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = match ? decodeURIComponent(match[1]) : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return { name: link.download, size: blob.size };
}
