CREATE CONSTRAINT downgrade_review_id_unique IF NOT EXISTS FOR (n:DowngradeReview) REQUIRE n.id IS UNIQUE
