-- AlterTable
ALTER TABLE "LessonProgress" DROP COLUMN "bestScore";
