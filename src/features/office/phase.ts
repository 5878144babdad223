/** The office's standing: interim until a date (as the reference policy began), or permanent. */
export type OfficePhase =
  { phase: 'interim'; interimEndsOn: string } | { phase: 'permanent'; interimEndsOn: null };

/** Officers are warned this many days before a term ends, once at each mark. */
export const WARNING_MARKS_DAYS = [30, 7, 1] as const;

export interface EndingAppointment {
  id: string;
  userEmail: string;
  positionTitle: string;
  additionalCharge: boolean;
  endsOn: string;
}

export interface TermEndWarning {
  /** Unique per term, end date and mark: a notice with this key is sent once. */
  key: string;
  kind: 'interim_term' | 'appointment';
  endsOn: string;
  daysLeft: number;
  /** The nearest mark reached (30, 7 or 1 days). */
  mark: number;
  message: string;
  /** For an appointment, the officer who holds it. */
  holderEmail: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `today` to `day` (both YYYY-MM-DD). */
export function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

/**
 * The terms ending within the widest warning mark, with the mark each has reached. A term that
 * has already ended gives no warning (its end is history, not a warning).
 */
export function termEndWarnings(
  today: string,
  phase: OfficePhase,
  appointments: readonly EndingAppointment[],
): TermEndWarning[] {
  const widest = Math.max(...WARNING_MARKS_DAYS);
  const markFor = (daysLeft: number): number | undefined =>
    [...WARNING_MARKS_DAYS].sort((a, b) => a - b).find((mark) => daysLeft <= mark);
  const warnings: TermEndWarning[] = [];
  if (phase.phase === 'interim') {
    const daysLeft = daysBetween(today, phase.interimEndsOn);
    const mark = markFor(daysLeft);
    if (daysLeft >= 0 && daysLeft <= widest && mark !== undefined) {
      warnings.push({
        key: `interim_term:${phase.interimEndsOn}:${mark}`,
        kind: 'interim_term',
        endsOn: phase.interimEndsOn,
        daysLeft,
        mark,
        message: `The interim term of the Cloud Office ends on ${phase.interimEndsOn} (${plural(daysLeft)}). Make the office permanent or extend the term.`,
        holderEmail: null,
      });
    }
  }
  for (const appointment of appointments) {
    const daysLeft = daysBetween(today, appointment.endsOn);
    const mark = markFor(daysLeft);
    if (daysLeft < 0 || daysLeft > widest || mark === undefined) continue;
    const post = appointment.additionalCharge
      ? `the additional charge of ${appointment.positionTitle}`
      : appointment.positionTitle;
    warnings.push({
      key: `appointment:${appointment.id}:${appointment.endsOn}:${mark}`,
      kind: 'appointment',
      endsOn: appointment.endsOn,
      daysLeft,
      mark,
      message: `${appointment.userEmail}'s appointment as ${post} ends on ${appointment.endsOn} (${plural(daysLeft)}).`,
      holderEmail: appointment.userEmail,
    });
  }
  return warnings.sort((a, b) => a.daysLeft - b.daysLeft);
}

function plural(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? 'in 1 day' : `in ${days} days`;
}
