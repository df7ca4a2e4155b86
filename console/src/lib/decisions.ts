// An imported order's decisions (ImportedOrder.decisions) in a seller's words.

import type { ImportStatus, Settlement } from '../gql/graphql';
import { humanizeEnum } from './format';

export interface DecisionValue {
  status: ImportStatus;
  by: Settlement;
  decidedAt: string;
  cancelReason?: string | null;
}

const WHO: Record<Settlement, string> = {
  SELLER: 'by the seller',
  WEBHOOK: 'by a webhook of the platform',
  DISCONNECT: 'when its store was disconnected',
};

/** "Canceled by the seller", "Accepted by a webhook of the platform". */
export function decisionWords(decision: DecisionValue): string {
  return `${humanizeEnum(decision.status)} ${WHO[decision.by]}`;
}
