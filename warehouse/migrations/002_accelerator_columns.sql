-- Compute prices name the accelerator and how many an instance has, so a price per
-- instance-hour can also be read per GPU-hour (price / accelerator_count).
ALTER TABLE observations ADD COLUMN accelerator VARCHAR;
ALTER TABLE observations ADD COLUMN accelerator_count INTEGER;
ALTER TABLE quarantine ADD COLUMN accelerator VARCHAR;
ALTER TABLE quarantine ADD COLUMN accelerator_count INTEGER;
ALTER TABLE price_history ADD COLUMN accelerator VARCHAR;
ALTER TABLE price_history ADD COLUMN accelerator_count INTEGER;
