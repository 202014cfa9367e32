CREATE CONSTRAINT downgrade_review_open_unique IF NOT EXISTS FOR (n:DowngradeReview) REQUIRE n.openFor IS UNIQUE
