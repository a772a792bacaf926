CREATE TABLE "forecast_calibrations" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp (3) with time zone NOT NULL,
	"origin_day" date NOT NULL,
	"history_days" integer NOT NULL,
	"horizon" integer NOT NULL,
	"calibration" jsonb,
	"duration_ms" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forecast_vintages" (
	"organization_id" uuid NOT NULL,
	"origin_day" date NOT NULL,
	"target_day" date NOT NULL,
	"horizon" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"model" text NOT NULL,
	"low_history" boolean NOT NULL,
	"closed" boolean NOT NULL,
	"point" double precision NOT NULL,
	"lower80" double precision NOT NULL,
	"upper80" double precision NOT NULL,
	"lower95" double precision NOT NULL,
	"upper95" double precision NOT NULL,
	"seasonal_naive" double precision NOT NULL,
	"mase_scale" double precision,
	CONSTRAINT "forecast_vintages_organization_id_origin_day_target_day_pk" PRIMARY KEY("organization_id","origin_day","target_day")
);
--> statement-breakpoint
ALTER TABLE "forecast_calibrations" ADD CONSTRAINT "forecast_calibrations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecast_vintages" ADD CONSTRAINT "forecast_vintages_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;