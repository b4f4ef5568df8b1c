/**
 * Planning (issue 6): demand forecasting methods, demand classification, backtests and their
 * evaluation; safety stock, reorder points and service targets (M6.3); demand history,
 * overrides and planning runs; lead times learned from receipts and repair cycles (M6.6).
 */
export {
  FORECAST_METHODS,
  METHOD_DEFAULTS,
  adida,
  aggregationLevel,
  blockSums,
  checkSeries,
  crostonClassic,
  crostonOptimized,
  crostonSba,
  demandIntervals,
  demandSizes,
  forecastSeries,
  imapa,
  methodLabel,
  movingAverage,
  optimizedSes,
  resolveMethod,
  ses,
  sesLevel,
  sesOptimized,
  sesSse,
  tsb,
  zeroForecast,
  type Forecast,
  type ForecastMethod,
  type MethodResult,
  type MethodSpec,
} from './forecast/methods.js';
export { minimizeScalarBounded, npMean, npSum, roundHalfEven } from './forecast/numeric.js';
export {
  DEMAND_CLASSES,
  METHOD_BY_CLASS,
  SBC_CUTS,
  chooseMethodByClass,
  classifyDemand,
  type DemandClass,
  type DemandClassification,
  type MethodChoice,
} from './forecast/classification.js';
export {
  BACKTEST_CANDIDATES,
  OVERRIDE_MARGIN,
  backtestSeries,
  chooseMethod,
  defaultHoldout,
  type BacktestResult,
  type BacktestScore,
  type BacktestedChoice,
} from './forecast/backtest.js';
export { mase, naiveMae, naiveMse, rmsse, summarize, type Summary } from './forecast/metrics.js';
export {
  DATASETS,
  DATASET_FILES,
  loadDataset,
  parseTsf,
  parseWideCsv,
  type Dataset,
  type DatasetName,
  type DemandSeries,
} from './forecast/datasets.js';
export {
  DEFAULT_EVALUATED,
  PROTOCOLS,
  describeProtocol,
  evaluateDataset,
  type EvaluatedMethod,
  type EvaluationOptions,
  type EvaluationProtocol,
  type EvaluationReport,
  type KeptSeries,
  type MethodScores,
} from './forecast/evaluation.js';
export { renderForecastSvg, type PlotPanel } from './forecast/plot.js';
export {
  evaluateOptionsSchema,
  methodSpecSchema,
  type EvaluateOptions,
} from './forecast/forecast.schemas.js';
// Safety stock and reorder points (M6.3).
export {
  lnGamma,
  negativeBinomialTable,
  normalCdf,
  normalLoss,
  normalPdf,
  normalPpf,
  normalSf,
  poissonTable,
  tableCdf,
  tableLoss,
  type PmfTable,
} from './stocking/distributions.js';
export {
  DISTRIBUTION_KINDS,
  VMR_CUTS,
  demandMoments,
  leadTimeDemand,
  leadTimeDemandFromHistory,
  type DemandMoments,
  type DistributionKind,
  type LeadTimeDemand,
  type LeadTimeDemandInput,
} from './stocking/lead-time-demand.js';
export { serviceMeasures, type ServiceMeasures } from './stocking/service-level.js';
export {
  normalLossInverse,
  stockingLevels,
  type StockingInput,
  type StockingLevels,
} from './stocking/reorder.js';
export {
  CRITICALITIES,
  DEFAULT_SLA_POLICY,
  TARGET_KINDS,
  parseSlaPolicy,
  resolveServiceTarget,
  serviceTargetSchema,
  slaPolicySchema,
  targetLabel,
  type Criticality,
  type PartServiceProfile,
  type ResolvedTarget,
  type ServiceTarget,
  type SlaPolicy,
  type TargetKind,
} from './stocking/targets.js';
export { registerPlanningRoutes } from './planning.routes.js';
export { demandHistory, importDemandHistory, type DemandHistory } from './demand/demand.service.js';
export { GRANULARITIES, periodOf, periodsBetween, type Granularity } from './demand/periods.js';
export { forecastPart, forecastPicture, type PartForecast } from './demand/part-forecast.service.js';
export {
  runPlanning,
  planningRunInputSchema,
  type PlanningRun,
  type PlanningRunAll,
  type PlanningRunLine,
} from './demand/planning-run.service.js';
export {
  forecastRunInputSchema,
  runForecasts,
  type ForecastRun,
  type ForecastRunItem,
} from './demand/forecast-run.service.js';
// Equipment models being retired (M6.2).
export {
  inService,
  modelShares,
  retirementAdjustment,
  thinnedMoments,
  type ModelDemand,
  type ModelShare,
  type RetirementAdjustment,
  type RetirementSchedule,
} from './demand/retirement.js';
export {
  createRetirement,
  listRetirements,
  retirementInputSchema,
  type EquipmentRetirement,
} from './demand/retirements.service.js';
// Learned lead times (M6.6).
export {
  LEARNING_RULES,
  PARTY_KINDS,
  chooseLearnedLeadTime,
  learnLeadTimes,
  type LeadTimeChoice,
  type LeadTimeObservation,
  type LearnedLeadTime,
  type PartyKind,
} from './lead-times/learning.js';
export {
  planningLeadTime,
  type LeadTimeSource,
  type PlanningLeadTime,
  type PlanningLeadTimeInput,
} from './lead-times/planning-lead-time.js';
export {
  LEARNING_WINDOW_DAYS,
  leadTimeObservations,
  learnedLeadTimes,
  type LearnedLeadTimes,
} from './lead-times/lead-times.service.js';
export {
  createOverride,
  listOverrides,
  overridesInForce,
  type PlanningOverride,
} from './demand/overrides.service.js';
