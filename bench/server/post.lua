-- wrk script: one single-row predict request, the same instance the seed system's load test
-- sends, in prognos' request shape.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"instances":{"Type":"L","Air temperature [K]":302.1,"Process temperature [K]":310.9,"Rotational speed [rpm]":1350,"Torque [Nm]":61.2,"Tool wear [min]":212}}'
