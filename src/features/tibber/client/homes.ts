import { phrase, ValidationError, type Phrase } from "../../../shared/errors";
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
      phrase(
        "tibber-prices:errors.noHomes",
        "This Tibber account has no homes; check that the token belongs to the account with the contract.",
      ),
    );
  }
  if (want) {
    const lower = want.toLowerCase();
    const match =
      homes.find((h) => h.id === want) ??
      homes.find((h) => h.nickname?.toLowerCase() === lower) ??
      homes.find((h) => h.address1?.toLowerCase() === lower);
    if (!match) throw new ValidationError(noHomeMatches(want, describe(homes)));
    if (!match.hasSubscription) {
      throw new ValidationError(
        phrase(
          "tibber-prices:errors.homeWithoutContract",
          "The Tibber home __home__ has no active power contract, so Tibber has no prices for it.",
          { home: label(match) },
        ),
      );
    }
    return match;
  }
  const withContract = homes.filter((h) => h.hasSubscription);
  if (withContract.length === 1) return withContract[0];
  if (withContract.length === 0) {
    throw new ValidationError(
      phrase(
        "tibber-prices:errors.noHomeWithContract",
        "None of this account's Tibber homes has an active power contract (__homes__).",
        { homes: describe(homes) },
      ),
    );
  }
  throw new ValidationError(
    phrase(
      "tibber-prices:errors.manyHomes",
      "This Tibber account has __count__ homes with a contract; set Home to one of: __homes__.",
      { count: withContract.length, homes: describe(withContract) },
    ),
  );
}

/** The home a node names is not on the account (tibber-prices and tibber-live say it alike). */
export function noHomeMatches(want: string, homes: string): Phrase {
  return phrase(
    "tibber-prices:errors.noHomeMatch",
    'No Tibber home matches "__want__"; set Home to one of: __homes__.',
    {
      want,
      homes,
    },
  );
}

export function label(home: TibberHome): string {
  const name = home.nickname || home.address1;
  return name ? `"${name}" (${home.id})` : home.id;
}

function describe(homes: readonly TibberHome[]): string {
  return homes.map(label).join(", ");
}
