/**
 * The learner × lesson matrix, built from grouped rows the report queries
 * return. Pure, so tests can feed it rows and compare with their own sums.
 */

export interface LessonColumn {
  slug: string;
  title: string;
  quizId: string | null;
  quizTitle: string | null;
  questionCount: number;
}

export interface MatrixCell {
  read: boolean;
  /** The lesson's "experiments run" counter (LessonProgress). */
  experimentsRun: number;
  /** Experiment results stored for this lesson (ExperimentResult rows). */
  resultsStored: number;
  attempts: number;
  /** 0..1: best score ÷ max score over the lesson's attempts; null before any attempt. */
  bestScore: number | null;
  /** ISO time of the latest read, run, stored result or attempt; null when nothing happened. */
  lastActivity: string | null;
}

export interface MatrixRow {
  userId: string;
  name: string;
  email: string;
  joinedAt: string;
  cells: Record<string, MatrixCell>;
  lessonsRead: number;
  attempts: number;
  /** Mean of the best scores over lessons with a quiz, unattempted quizzes counting 0; null when the course has no quiz. */
  average: number | null;
  lastActivity: string | null;
}

export interface ClassMatrix {
  classId: string;
  className: string;
  lessons: LessonColumn[];
  rows: MatrixRow[];
  generatedAt: string;
}

export interface MemberRow {
  joinedAt: Date;
  user: { id: string; name: string; email: string };
}
export interface ProgressRow {
  userId: string;
  lessonSlug: string;
  readAt: Date | null;
  experimentsRun: number;
  updatedAt: Date;
}
export interface AttemptGroup {
  userId: string;
  lessonSlug: string;
  maxScore: number;
  _count: { _all: number };
  _max: { score: number | null; submittedAt: Date | null };
}
export interface ResultGroup {
  userId: string | null;
  lessonSlug: string;
  _count: { _all: number };
  _max: { createdAt: Date | null };
}

function later(a: string | null, b: Date | null | undefined): string | null {
  if (!b) return a;
  const iso = b.toISOString();
  return a === null || iso > a ? iso : a;
}

function emptyCell(): MatrixCell {
  return { read: false, experimentsRun: 0, resultsStored: 0, attempts: 0, bestScore: null, lastActivity: null };
}

export function buildMatrix(input: {
  classId: string;
  className: string;
  lessons: LessonColumn[];
  members: MemberRow[];
  progress: ProgressRow[];
  attempts: AttemptGroup[];
  results: ResultGroup[];
  now?: Date;
}): ClassMatrix {
  const byUser = new Map<string, MatrixRow>();
  const rows = input.members.map((m): MatrixRow => {
    const row: MatrixRow = {
      userId: m.user.id,
      name: m.user.name,
      email: m.user.email,
      joinedAt: m.joinedAt.toISOString(),
      cells: {},
      lessonsRead: 0,
      attempts: 0,
      average: null,
      lastActivity: null,
    };
    for (const lesson of input.lessons) row.cells[lesson.slug] = emptyCell();
    byUser.set(row.userId, row);
    return row;
  });
  // Rows for lessons that no longer exist are skipped: the matrix shows today's course.
  const cellOf = (userId: string | null, slug: string) => (userId === null ? undefined : byUser.get(userId)?.cells[slug]);

  for (const p of input.progress) {
    const cell = cellOf(p.userId, p.lessonSlug);
    if (!cell) continue;
    cell.read = p.readAt !== null;
    cell.experimentsRun = p.experimentsRun;
    cell.lastActivity = later(cell.lastActivity, p.readAt);
    // updatedAt moves when the experiment counter does; a row with only a read has updatedAt ≈ readAt.
    if (p.experimentsRun > 0) cell.lastActivity = later(cell.lastActivity, p.updatedAt);
  }
  for (const g of input.attempts) {
    const cell = cellOf(g.userId, g.lessonSlug);
    if (!cell) continue;
    cell.attempts += g._count._all;
    // Grouped by maxScore too, so a quiz that gained a question still compares fractions, as the learner's own view does.
    const fraction = g.maxScore > 0 ? (g._max.score ?? 0) / g.maxScore : 0;
    cell.bestScore = Math.max(cell.bestScore ?? 0, fraction);
    cell.lastActivity = later(cell.lastActivity, g._max.submittedAt);
  }
  for (const g of input.results) {
    const cell = cellOf(g.userId, g.lessonSlug);
    if (!cell) continue;
    cell.resultsStored += g._count._all;
    cell.lastActivity = later(cell.lastActivity, g._max.createdAt);
  }

  const quizLessons = input.lessons.filter((l) => l.quizId !== null);
  for (const row of rows) {
    let sum = 0;
    for (const lesson of input.lessons) {
      const cell = row.cells[lesson.slug]!;
      if (cell.read) row.lessonsRead++;
      row.attempts += cell.attempts;
      row.lastActivity = cell.lastActivity && (!row.lastActivity || cell.lastActivity > row.lastActivity) ? cell.lastActivity : row.lastActivity;
      if (lesson.quizId !== null) sum += cell.bestScore ?? 0;
    }
    row.average = quizLessons.length > 0 ? sum / quizLessons.length : null;
  }
  rows.sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  return {
    classId: input.classId,
    className: input.className,
    lessons: input.lessons,
    rows,
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
}
