//! Boundaries loaded for maps (`geo_boundary`, migration 0012).

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::text;
use crate::write::Write;
use dcis_domain::audit::AuditAction;
use dcis_domain::boundary::{RegionCode, Shape};
use dcis_domain::geo::{DistrictCode, ProvinceCode};

impl Store {
    /// How many boundaries are loaded: (provinces, districts).
    pub async fn boundary_counts(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN level = 'province' THEN 1 ELSE 0 END), 0) AS p, \
             COALESCE(SUM(CASE WHEN level = 'district' THEN 1 ELSE 0 END), 0) AS d FROM geo_boundary",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((crate::rows::int(&row, "p")?, crate::rows::int(&row, "d")?))
    }

    /// The loaded boundaries of one level: of every province, or of the
    /// districts of one province.
    pub async fn boundaries(
        &self,
        province: Option<ProvinceCode>,
    ) -> Result<Vec<(RegionCode, Shape)>, StoreError> {
        let rows = match province {
            None => {
                sqlx::query(
                    "SELECT level, code, shape_json FROM geo_boundary WHERE level = 'province' ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?
            }
            Some(p) => {
                sqlx::query(
                    "SELECT level, code, shape_json FROM geo_boundary WHERE level = 'district' \
                     AND substr(code, 1, 2) = $1 ORDER BY code",
                )
                .bind(p.as_str())
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                let code = text(r, "code")?;
                let corrupt = |e: String| StoreError::Corrupt(format!("geo_boundary {code}: {e}"));
                let region = match text(r, "level")?.as_str() {
                    "province" => ProvinceCode::parse(&code)
                        .map(RegionCode::Province)
                        .map_err(|e| corrupt(e.to_string()))?,
                    _ => DistrictCode::parse(&code)
                        .map(RegionCode::District)
                        .map_err(|e| corrupt(e.to_string()))?,
                };
                let shape = Shape::from_json(&text(r, "shape_json")?)
                    .map_err(|e| corrupt(e.key().to_owned()))?;
                Ok((region, shape))
            })
            .collect()
    }
}

impl Write {
    /// Stores the boundaries of a file (replacing those of the same
    /// regions) and audits the load as one change: the file's name and the
    /// regions it replaced and added (the shapes themselves are in the
    /// table; the audit entry names the file's SHA-256).
    pub async fn load_boundaries(
        &mut self,
        file: &str,
        sha256: &str,
        shapes: &[(RegionCode, Shape)],
    ) -> Result<(), StoreError> {
        let mut replaced = Vec::new();
        for (code, shape) in shapes {
            let n = sqlx::query("DELETE FROM geo_boundary WHERE level = $1 AND code = $2")
                .bind(code.level())
                .bind(code.as_str())
                .execute(self.conn())
                .await?
                .rows_affected();
            if n > 0 {
                replaced.push(code.as_str().to_owned());
            }
            sqlx::query(
                "INSERT INTO geo_boundary (level, code, shape_json, loaded_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(code.level())
            .bind(code.as_str())
            .bind(shape.to_json())
            .bind(dcis_domain::time::to_millis(self.at()))
            .execute(self.conn())
            .await?;
        }
        let regions: Vec<&str> = shapes.iter().map(|(c, _)| c.as_str()).collect();
        let after = serde_json::json!({
            "file": file,
            "sha256": sha256,
            "regions": regions,
            "replaced": replaced,
        });
        self.audit(
            AuditAction::Update,
            "geo_boundary",
            sha256,
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(())
    }
}
