import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import { businessTimeBetween, type CalendarSpec } from '../calendars/business-time';
import type { CalendarService } from '../calendars/calendar.service';
import { BusinessGrid } from './business-grid';
import { type DefectivePartsSource, ProductQualityService, type ReturnsByModelSource } from './product-quality.service';
import { AppointmentRateReport } from './appointment-rate';
import { reminderModel } from '../maintenance/reminder.model';
import { reportRoutes } from './report.routes';
import { type BusinessTimeFactory, ReportService, wallClockMs } from './report.service';

/** Business time under the stored calendars: each report reads a calendar once and builds one grid of it. */
export function storedCalendars(calendars: CalendarService): BusinessTimeFactory {
  return (from) => {
    const grids = new Map<string, Promise<BusinessGrid | null>>();
    const gridOf = async (name: string) => {
      const spec: CalendarSpec | null = await calendars.spec(name);
      return spec ? new BusinessGrid((a, b) => businessTimeBetween(spec, a, b), from) : null;
    };
    return async (name, a, b) => {
      if (!name) return wallClockMs(null, a, b);
      let grid = grids.get(name);
      if (!grid) grids.set(name, (grid = gridOf(name)));
      const g = await grid;
      return g ? g.ms(a, b) : wallClockMs(null, a, b);
    };
  };
}

/** KPI reports for managers and the monthly product-quality report for R&D. */
export function reportsModule(
  core: Core,
  businessTime: BusinessTimeFactory,
  returns: ReturnsByModelSource,
  defectiveParts?: DefectivePartsSource,
  fields?: { get(key: string): Promise<{ options: { value: string; label: { en: string } }[] } | null> },
): AppModule {
  const reports = new ReportService(core.conn, { Ticket: core.models.Ticket, Agent: core.models.Agent, Team: core.models.Team }, core.clock, businessTime, fields && ((key) => fields.get(key)));
  const quality = new ProductQualityService(core.models.Ticket, returns, defectiveParts);
  return {
    name: 'reports',
    routes: (api) => [reportRoutes(api, reports, quality, new AppointmentRateReport(reminderModel(core.conn, core.clock)), async () => new Map((await core.models.Team.find({}, { key: 1, name: 1, nameZh: 1 }).lean()).map((t) => [t.key, { name: t.name, nameZh: t.nameZh ?? '' }])))],
  };
}
