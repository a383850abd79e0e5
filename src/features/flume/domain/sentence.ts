/**
 * Short sentences meant to be spoken by Alexa (or read in a notification): plain words, few decimals,
 * durations in minutes and hours.
 */

export type FlowUnit = "gal" | "L";

export function flowPhrase(rate: number, unit: FlowUnit): string {
  // Two decimals below 1, so a slow leak of 0.05 is not spoken as zero.
  const value = rate < 1 ? Math.round(rate * 100) / 100 : Math.round(rate * 10) / 10;
  const noun = unit === "L" ? (value === 1 ? "liter" : "liters") : value === 1 ? "gallon" : "gallons";
  return `${value} ${noun} per minute`;
}

export function durationPhrase(ms: number): string {
  const totalMinutes = Math.floor(ms / 60_000);
  if (totalMinutes < 1) return "less than a minute";
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const m = `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  if (hours === 0) return m;
  const h = `${hours} ${hours === 1 ? "hour" : "hours"}`;
  return minutes === 0 ? h : `${h} and ${m}`;
}

export type AlertType = "leak" | "leak-cleared" | "high-flow" | "high-flow-cleared";
export type AlertSource = "flume" | "rule";

export function alertSentence(
  type: AlertType,
  source: AlertSource,
  flowRate: number,
  unit: FlowUnit,
  durationMs: number,
): string {
  const running = flowRate > 0;
  if (source === "rule") {
    if (type === "leak") {
      return `Water has been running at ${flowPhrase(flowRate, unit)} for ${durationPhrase(durationMs)}.`;
    }
    return `The water has stopped running. It ran for ${durationPhrase(durationMs)}.`;
  }
  switch (type) {
    case "leak":
      return running
        ? `Flume reports a possible leak. Water is running at ${flowPhrase(flowRate, unit)}.`
        : "Flume reports a possible leak.";
    case "leak-cleared":
      return "Flume no longer reports a leak.";
    case "high-flow":
      return running
        ? `Flume reports high water flow, ${flowPhrase(flowRate, unit)} right now.`
        : "Flume reports a high flow alert.";
    case "high-flow-cleared":
      return "The high water flow has stopped.";
  }
}
