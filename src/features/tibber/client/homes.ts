import { ValidationError } from "../../../shared/errors";
import type { TibberHome } from "./models";

/**
 * Which home a node means. Blank picks the only home with a power contract; otherwise the id, the app
 * nickname or the first address line (any case). `homes[0]` is not safe: Tibber returns homes in
 * varying order, so an ambiguous choice is an error that lists the homes to pick from.
 */
export function selectHome(homes: readonly TibberHome[], wanted: string | undefined): TibberHome {
  const want = wanted?.trim() ?? "";
  if (homes.length === 0) {
    throw new ValidationError(
      "This Tibber account has no homes; check that the token belongs to the account with the contract.",
    );
  }
  if (want) {
    const lower = want.toLowerCase();
    const match =
      homes.find((h) => h.id === want) ??
      homes.find((h) => h.nickname?.toLowerCase() === lower) ??
      homes.find((h) => h.address1?.toLowerCase() === lower);
    if (!match) throw new ValidationError(`No Tibber home matches "${want}"; set Home to one of: ${describe(homes)}.`);
    if (!match.hasSubscription) {
      throw new ValidationError(
        `The Tibber home ${label(match)} has no active power contract, so Tibber has no prices for it.`,
      );
    }
    return match;
  }
  const withContract = homes.filter((h) => h.hasSubscription);
  if (withContract.length === 1) return withContract[0];
  if (withContract.length === 0) {
    throw new ValidationError(`None of this account's Tibber homes has an active power contract (${describe(homes)}).`);
  }
  throw new ValidationError(
    `This Tibber account has ${withContract.length} homes with a contract; set Home to one of: ${describe(withContract)}.`,
  );
}

export function label(home: TibberHome): string {
  const name = home.nickname || home.address1;
  return name ? `"${name}" (${home.id})` : home.id;
}

function describe(homes: readonly TibberHome[]): string {
  return homes.map(label).join(", ");
}
