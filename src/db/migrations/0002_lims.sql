CREATE TABLE "lims_integrations" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"endpoint_url" text NOT NULL,
	"auth_token" text,
	"enabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lims_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone NOT NULL,
	"locked_until" timestamp (3) with time zone,
	"claim_token" uuid,
	"last_error" text,
	"last_status_code" integer,
	"lims_job_id" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "lims_webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"webhook_id" text NOT NULL,
	"type" text NOT NULL,
	"job_id" text NOT NULL,
	"order_id" uuid,
	"state" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"result" jsonb,
	"lease_until" timestamp (3) with time zone,
	"received_at" timestamp (3) with time zone NOT NULL,
	"processed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "lims_webhook_secrets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "lims_integrations" ADD CONSTRAINT "lims_integrations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lims_outbox" ADD CONSTRAINT "lims_outbox_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lims_outbox" ADD CONSTRAINT "lims_outbox_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lims_webhook_deliveries" ADD CONSTRAINT "lims_webhook_deliveries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lims_webhook_deliveries" ADD CONSTRAINT "lims_webhook_deliveries_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lims_webhook_secrets" ADD CONSTRAINT "lims_webhook_secrets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lims_outbox_org_order_key" ON "lims_outbox" USING btree ("organization_id","order_id");--> statement-breakpoint
CREATE INDEX "lims_outbox_org_status_idx" ON "lims_outbox" USING btree ("organization_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "lims_outbox_due_idx" ON "lims_outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "lims_webhook_deliveries_org_webhook_key" ON "lims_webhook_deliveries" USING btree ("organization_id","webhook_id");--> statement-breakpoint
CREATE INDEX "lims_webhook_deliveries_org_order_idx" ON "lims_webhook_deliveries" USING btree ("organization_id","order_id","type","occurred_at");--> statement-breakpoint
CREATE INDEX "lims_webhook_secrets_org_idx" ON "lims_webhook_secrets" USING btree ("organization_id","created_at");