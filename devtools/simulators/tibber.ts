/**
 * The Tibber simulator, one module per concern under `tibber/`: accounts and homes (`accounts`), the
 * price model (`prices`), consumption (`consumption`), the object graph (`graph`), the GraphQL reader
 * and executor (`graphql/`), Tibber's answers on the wire (`wire`) and the `npm start` scenario (`demo`).
 */
export {
  BERLIN_FLAT,
  CABIN,
  DEMO_ACCOUNT,
  DEMO_CREDENTIALS,
  DEMO_TOKEN,
  MAIN_STREET,
  type SimAccount,
  type SimHome,
  TWO_HOMES_ACCOUNT,
  TWO_HOMES_TOKEN,
  WINTERFELL,
} from "./tibber/accounts";
export { demoSimulator } from "./tibber/demo";
export { TibberSimulator, type TibberSimOptions } from "./tibber/simulator";
