/**
 * A budgets file using every field of every section (`Legacy Cap` and `chat` adopt objects a test creates
 * first).
 */
export const EVERY_FIELD_YAML = `
limits:
  - name: Daily Cap
    max: 25
    type: block
    threshold: 0.9
    properties: { team: ml }
    id: daily-cap
    reset: daily
  - name: Monthly
    max: 400
  - name: Legacy Cap
    max: 10
    adopt: true
useCases:
  - name: summarize
    description: Summaries
    loggingEnabled: false
    limitConfig: { max: 0.1, type: block, threshold: 0.8, properties: { tier: free } }
  - name: chat
    description: Chat sessions
    adopt: true
limitry:
  meters:
    - key: tokens
      name: Total Tokens
      aggregation: sum
      field: values.tokens
      description: LLM tokens
      eventFilter: { eventType: llm.completion, dimensions: { env: prod } }
  limits:
    - key: daily-tokens
      name: Daily tokens
      meter: tokens
      limitValue: 100000
      period: day
      customerId: cust_1
      dimensionFilters: { model: gpt-4 }
      alertThresholds: [50, 80]
`;
