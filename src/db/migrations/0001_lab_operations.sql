CREATE TABLE "daily_product_rollups" (
	"organization_id" uuid NOT NULL,
	"day" date NOT NULL,
	"lens_type" text NOT NULL,
	"lens_material" text NOT NULL,
	"coating" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"shipped" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"rejects" integer DEFAULT 0 NOT NULL,
	"shipped_on_time" integer DEFAULT 0 NOT NULL,
	"shipped_with_due_date" integer DEFAULT 0 NOT NULL,
	"turnaround_hours_sum" double precision DEFAULT 0 NOT NULL,
	"revenue_received" double precision DEFAULT 0 NOT NULL,
	"revenue_shipped" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_product_rollups_organization_id_day_lens_type_lens_material_coating_pk" PRIMARY KEY("organization_id","day","lens_type","lens_material","coating")
);
--> statement-breakpoint
CREATE TABLE "equipment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"model" text NOT NULL,
	"serial_number" text NOT NULL,
	"station" text NOT NULL,
	"status" text DEFAULT 'operational' NOT NULL,
	"status_since" timestamp (3) with time zone NOT NULL,
	"installed_at" timestamp (3) with time zone,
	"last_maintenance_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "equipment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"equipment_id" uuid NOT NULL,
	"type" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone,
	"code" text,
	"notes" text,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"note" text,
	"data" jsonb,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"order_number" text NOT NULL,
	"customer_id" text,
	"patient_ref" text,
	"rx" jsonb NOT NULL,
	"lens_type" text NOT NULL,
	"lens_material" text NOT NULL,
	"coating" text NOT NULL,
	"frame_type" text,
	"priority" text DEFAULT 'regular' NOT NULL,
	"due_date" timestamp (3) with time zone,
	"price" numeric(12, 2),
	"status" text NOT NULL,
	"held_from" text,
	"route" jsonb NOT NULL,
	"route_position" integer DEFAULT 0 NOT NULL,
	"route_inside" boolean DEFAULT false NOT NULL,
	"current_station" text,
	"remake_count" integer DEFAULT 0 NOT NULL,
	"last_scan_at" timestamp (3) with time zone,
	"lims_job_id" text,
	"lims_status" text,
	"tracking_number" text,
	"carrier" text,
	"source" text NOT NULL,
	"created_by_user_id" uuid,
	"created_by_api_key_id" uuid,
	"received_at" timestamp (3) with time zone NOT NULL,
	"shipped_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quality_issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"station" text NOT NULL,
	"issue_type" text NOT NULL,
	"reason" text,
	"equipment_id" uuid,
	"lens_side" text,
	"remake" boolean NOT NULL,
	"scan_id" uuid,
	"lens_type" text NOT NULL,
	"lens_material" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"station" text NOT NULL,
	"event" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"operator" text,
	"equipment_id" uuid,
	"reason" text,
	"source" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "station_hourly_rollups" (
	"organization_id" uuid NOT NULL,
	"station" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"scans_in" integer DEFAULT 0 NOT NULL,
	"scans_out" integer DEFAULT 0 NOT NULL,
	"rejects" integer DEFAULT 0 NOT NULL,
	"working" double precision DEFAULT 0 NOT NULL,
	"down" double precision DEFAULT 0 NOT NULL,
	"setup" double precision DEFAULT 0 NOT NULL,
	"blocked" double precision DEFAULT 0 NOT NULL,
	"starved" double precision DEFAULT 0 NOT NULL,
	"idle" double precision DEFAULT 0 NOT NULL,
	"off_shift" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "station_hourly_rollups_organization_id_station_hour_pk" PRIMARY KEY("organization_id","station","hour")
);
--> statement-breakpoint
CREATE TABLE "station_intervals" (
	"organization_id" uuid NOT NULL,
	"station" text NOT NULL,
	"from_at" timestamp (3) with time zone NOT NULL,
	"to_at" timestamp (3) with time zone NOT NULL,
	"units" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "station_state_days" (
	"organization_id" uuid NOT NULL,
	"day" date NOT NULL,
	"dirty" boolean DEFAULT true NOT NULL,
	"end_snapshot" jsonb,
	"computed_at" timestamp (3) with time zone,
	CONSTRAINT "station_state_days_organization_id_day_pk" PRIMARY KEY("organization_id","day")
);
--> statement-breakpoint
CREATE TABLE "stations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"sequence" integer NOT NULL,
	"parallel_units" integer NOT NULL,
	"standard_minutes_per_job" double precision NOT NULL,
	"target_utilization" double precision NOT NULL,
	"shifts" jsonb NOT NULL,
	"staff_roles" jsonb NOT NULL,
	"cost_per_hour" double precision NOT NULL,
	"restart_station" text,
	"buffer_capacity" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry" (
	"organization_id" uuid NOT NULL,
	"equipment_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"value" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_hourly" (
	"organization_id" uuid NOT NULL,
	"equipment_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"n" integer NOT NULL,
	"sum" double precision NOT NULL,
	"sum_sq" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	CONSTRAINT "telemetry_hourly_organization_id_equipment_id_metric_hour_pk" PRIMARY KEY("organization_id","equipment_id","metric","hour")
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "customer_id" text;--> statement-breakpoint
ALTER TABLE "equipment" ADD CONSTRAINT "equipment_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_events" ADD CONSTRAINT "equipment_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipment_events" ADD CONSTRAINT "equipment_events_equipment_id_equipment_id_fk" FOREIGN KEY ("equipment_id") REFERENCES "public"."equipment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_issues" ADD CONSTRAINT "quality_issues_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_issues" ADD CONSTRAINT "quality_issues_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "equipment_org_serial_key" ON "equipment" USING btree ("organization_id","serial_number");--> statement-breakpoint
CREATE INDEX "equipment_org_station_idx" ON "equipment" USING btree ("organization_id","station");--> statement-breakpoint
CREATE INDEX "equipment_events_org_equipment_at_idx" ON "equipment_events" USING btree ("organization_id","equipment_id","at");--> statement-breakpoint
CREATE INDEX "equipment_events_org_at_idx" ON "equipment_events" USING btree ("organization_id","at");--> statement-breakpoint
CREATE INDEX "order_events_org_order_idx" ON "order_events" USING btree ("organization_id","order_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_org_number_key" ON "orders" USING btree ("organization_id","order_number");--> statement-breakpoint
CREATE INDEX "orders_org_received_idx" ON "orders" USING btree ("organization_id","received_at","id");--> statement-breakpoint
CREATE INDEX "orders_org_status_received_idx" ON "orders" USING btree ("organization_id","status","received_at");--> statement-breakpoint
CREATE INDEX "orders_org_customer_received_idx" ON "orders" USING btree ("organization_id","customer_id","received_at");--> statement-breakpoint
CREATE INDEX "orders_org_station_idx" ON "orders" USING btree ("organization_id","current_station") WHERE current_station is not null;--> statement-breakpoint
CREATE INDEX "orders_org_lims_job_idx" ON "orders" USING btree ("organization_id","lims_job_id") WHERE lims_job_id is not null;--> statement-breakpoint
CREATE INDEX "quality_issues_org_at_idx" ON "quality_issues" USING btree ("organization_id","at");--> statement-breakpoint
CREATE INDEX "quality_issues_org_station_at_idx" ON "quality_issues" USING btree ("organization_id","station","at");--> statement-breakpoint
CREATE INDEX "scans_org_order_idx" ON "scans" USING btree ("organization_id","order_id","at");--> statement-breakpoint
CREATE INDEX "scans_org_station_at_idx" ON "scans" USING btree ("organization_id","station","at");--> statement-breakpoint
CREATE INDEX "scans_org_at_idx" ON "scans" USING btree ("organization_id","at");--> statement-breakpoint
CREATE INDEX "station_intervals_org_station_from_idx" ON "station_intervals" USING btree ("organization_id","station","from_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stations_org_code_key" ON "stations" USING btree ("organization_id","code");--> statement-breakpoint
CREATE INDEX "telemetry_org_equipment_metric_at_idx" ON "telemetry" USING btree ("organization_id","equipment_id","metric","at");--> statement-breakpoint
CREATE INDEX "telemetry_at_idx" ON "telemetry" USING btree ("at");