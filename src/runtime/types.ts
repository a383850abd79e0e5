import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";

/** Re-exported so node files import Node-RED types from one place. */
export type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow };

export type SendFn = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type DoneFn = (err?: Error) => void;

/** A message as our nodes see it: the common fields typed loosely, the rest kept. */
export interface FlowMessage extends NodeMessageInFlow {
  [key: string]: unknown;
}
