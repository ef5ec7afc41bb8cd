RETURN count(), sum(), collect(DISTINCT), percentileDisc(1), count(1, 2), stDev()
