ALTER TABLE "order_events" DROP CONSTRAINT "order_events_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "quality_issues" DROP CONSTRAINT "quality_issues_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "scans" DROP CONSTRAINT "scans_organization_id_organizations_id_fk";
--> statement-breakpoint
DROP INDEX "scans_org_at_idx";