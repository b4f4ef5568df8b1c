/** Fulfillment (issue 5): work orders to parts. So far: the sourcing decision. */
export {
  decideSourcing,
  SOURCE_TIERS,
  type Allocation,
  type LinePlan,
  type PartAlternative,
  type PurchaseOption,
  type SourceKind,
  type SourceTier,
  type SourcingInput,
  type SourcingLine,
  type SourcingPlan,
  type StockOffer,
  type Substitution,
} from './sourcing.js';
