/**
 * Which base URL a client talks to: the one configured on the node; when that is blank, the
 * environment variable named for the service (how the `npm start` demo and test rigs point unchanged
 * example flows at the local simulators); otherwise the real service.
 */
export function resolveBaseUrl(configured: string | undefined, envName: string, realService: string): string {
  const chosen = configured?.trim() || process.env[envName]?.trim() || realService;
  return chosen.replace(/\/+$/, "");
}
