/**
 * The GraphQL documents the client sends (Part A3 of the API reference). `resolution` is always passed
 * explicitly: Tibber's default is HOURLY and it has said the default may change.
 */

const PRICE_FIELDS = "total energy tax startsAt currency level";

export const HOMES_QUERY = `query Homes {
  viewer {
    homes {
      id
      appNickname
      timeZone
      address { address1 postalCode city country }
      currentSubscription { status }
    }
  }
}`;

export const PRICES_QUERY = `query Prices($homeId: ID!, $resolution: PriceInfoResolution = HOURLY) {
  viewer {
    home(id: $homeId) {
      id
      timeZone
      currentSubscription {
        status
        priceInfo(resolution: $resolution) {
          current { ${PRICE_FIELDS} }
          today { ${PRICE_FIELDS} }
          tomorrow { ${PRICE_FIELDS} }
        }
      }
    }
  }
}`;

export const CONSUMPTION_QUERY = `query Consumption($homeId: ID!, $last: Int!) {
  viewer {
    home(id: $homeId) {
      id
      consumption(resolution: HOURLY, last: $last) {
        pageInfo { currency }
        nodes { from to consumption cost unitPrice unitPriceVAT consumptionUnit currency }
      }
    }
  }
}`;

/**
 * The 15-minute prices with the hourly ones beside them, in one call: on 2026-05-17 Tibber answered
 * QUARTER_HOURLY with `{"current": null, "today": [], "tomorrow": []}` while HOURLY had its 24 prices
 * (evcc-io/evcc#29947), and the hourly prices then stand in at no extra call.
 */
export const QUARTER_PRICES_QUERY = `query Prices($homeId: ID!) {
  viewer {
    home(id: $homeId) {
      id
      timeZone
      currentSubscription {
        status
        priceInfo(resolution: QUARTER_HOURLY) {
          current { ${PRICE_FIELDS} }
          today { ${PRICE_FIELDS} }
          tomorrow { ${PRICE_FIELDS} }
        }
        hourly: priceInfo(resolution: HOURLY) {
          today { ${PRICE_FIELDS} }
          tomorrow { ${PRICE_FIELDS} }
        }
      }
    }
  }
}`;
