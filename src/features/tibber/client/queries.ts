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
