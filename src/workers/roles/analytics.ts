// The analytics role: one instance of the analytics read model on its durable `analytics` (run several to share the load).
import { startAnalyticsService } from '../../read-models/analytics/subscription.js';
import { readModelRole } from './read-model.js';

export const startAnalytics = readModelRole('analytics', 'analytics', startAnalyticsService);
