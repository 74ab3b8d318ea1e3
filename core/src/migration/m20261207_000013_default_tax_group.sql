-- The company's default customer tax group: the tax group of a document whose customer has
-- none. Without one, a company that has a tax setup refuses such documents instead of leaving
-- them silently untaxed.
ALTER TABLE companies ADD COLUMN default_tax_group VARCHAR(20) NULL
